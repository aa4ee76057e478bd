// Apple-only (UIKit). Compiled by Xcode, never on Linux.
import UIKit
import WaymarkKit

/// The share sheet for a file the core wrote (a report, a bundle, a sharing copy).
final class ShareSheet: Sharer {
    func share(path: String, mime: String) {
        guard let top = Presenter.top() else { return }
        let sheet = UIActivityViewController(activityItems: [URL(fileURLWithPath: path)], applicationActivities: nil)
        sheet.popoverPresentationController?.sourceView = top.view
        top.present(sheet, animated: true)
    }
}
