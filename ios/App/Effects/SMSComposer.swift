// Apple-only (MessageUI, UIKit). Compiled by Xcode, never on Linux.
import MessageUI
import UIKit
import WaymarkKit

/// Shows the Messages composer with the buddy's number and the text the app model wrote. iOS
/// never lets an app send a text by itself: the person presses Send (the check-in screen says so,
/// in the app model's words).
final class SMSComposer: NSObject, MessageComposer, MFMessageComposeViewControllerDelegate {
    private var done: ((ComposeResult) -> Void)?

    var canPresent: Bool {
        UIApplication.shared.applicationState == .active && done == nil && Presenter.top() != nil
    }

    func compose(to: String, body: String, done: @escaping (ComposeResult) -> Void) {
        guard MFMessageComposeViewController.canSendText(), let top = Presenter.top() else {
            return done(.unavailable)
        }
        let composer = MFMessageComposeViewController()
        composer.recipients = [to]
        composer.body = body
        composer.messageComposeDelegate = self
        self.done = done
        top.present(composer, animated: true)
    }

    func messageComposeViewController(_ controller: MFMessageComposeViewController,
                                      didFinishWith result: MessageComposeResult) {
        controller.dismiss(animated: true)
        let finish = done
        done = nil
        switch result {
        case .sent: finish?(.sent)
        case .cancelled: finish?(.cancelled)
        case .failed: finish?(.failed)
        @unknown default: finish?(.failed)
        }
    }
}

/// The view controller to present a system sheet from.
enum Presenter {
    static func top() -> UIViewController? {
        let scenes = UIApplication.shared.connectedScenes.compactMap { $0 as? UIWindowScene }
        var top = scenes.flatMap(\.windows).first(where: \.isKeyWindow)?.rootViewController
        while let presented = top?.presentedViewController { top = presented }
        return top
    }
}
