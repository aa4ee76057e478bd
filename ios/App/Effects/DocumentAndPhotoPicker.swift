// Apple-only (UIKit, PhotosUI, UniformTypeIdentifiers). Compiled by Xcode, never on Linux.
import PhotosUI
import UIKit
import UniformTypeIdentifiers
import WaymarkKit

/// Import from the Files app (opened in place, security-scoped, read straight into the vault: no
/// copy is made) or from the photo library (pictures and videos only, in their original
/// encoding). The Photos picker hands over a copy iOS makes in the app's temporary folder and
/// deletes when the callback returns; the vault reads it before that. One instance per source:
/// WaymarkKit's dispatcher sends `PickFile { source }` to the matching port.
final class DocumentAndPhotoPicker: NSObject, FilePicker, UIDocumentPickerDelegate, PHPickerViewControllerDelegate {
    private var done: ((PickedFile?) -> Void)?

    let source: Source
    enum Source { case files, photos }

    init(source: Source) {
        self.source = source
        super.init()
    }

    func pick(done: @escaping (PickedFile?) -> Void) {
        guard let top = Presenter.top() else { return done(nil) }
        self.done = done
        switch source {
        case .files:
            let picker = UIDocumentPickerViewController(forOpeningContentTypes: [.item], asCopy: false)
            picker.delegate = self
            top.present(picker, animated: true)
        case .photos:
            var config = PHPickerConfiguration()
            config.selectionLimit = 1
            config.filter = .any(of: [.images, .screenshots, .videos])
            // The original as it was taken (no transcoding into another format).
            config.preferredAssetRepresentationMode = .current
            let picker = PHPickerViewController(configuration: config)
            picker.delegate = self
            top.present(picker, animated: true)
        }
    }

    func documentPicker(_ controller: UIDocumentPickerViewController, didPickDocumentsAt urls: [URL]) {
        guard let url = urls.first else { return finish(nil) }
        let scoped = url.startAccessingSecurityScopedResource()
        finish(PickedFile(url: url) { if scoped { url.stopAccessingSecurityScopedResource() } })
    }

    func documentPickerWasCancelled(_ controller: UIDocumentPickerViewController) { finish(nil) }

    func picker(_ picker: PHPickerViewController, didFinishPicking results: [PHPickerResult]) {
        picker.dismiss(animated: true)
        guard let provider = results.first?.itemProvider,
              let type = provider.registeredTypeIdentifiers.first else { return finish(nil) }
        provider.loadFileRepresentation(forTypeIdentifier: type) { [weak self] url, _ in
            // The temporary copy exists only until this callback returns: wait until the app
            // model has read it.
            let read = DispatchSemaphore(value: 0)
            DispatchQueue.main.async {
                self?.finish(url.map { PickedFile(url: $0) { read.signal() } })
                if url == nil { read.signal() }
            }
            read.wait()
        }
    }

    private func finish(_ file: PickedFile?) {
        let callback = done
        done = nil
        callback?(file)
    }
}
