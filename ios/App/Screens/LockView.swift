// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// The neutral lock screen: the PIN pad, the wrong-PIN message and its countdown, and checking
/// in without unlocking. The emergency bar sits under every screen (RootView).
struct LockView: View {
    let lock: LockScreen
    let send: (AppEvent) -> Void

    var body: some View {
        ScrollView {
            VStack(spacing: 20) {
                if let message = lock.message { BannerView(banner: message) }
                if let wait = lock.retryInSeconds {
                    Text(Format.countdown(seconds: wait)).font(.title2.monospacedDigit())
                        .accessibilityHidden(true)  // the banner says it in words
                }
                PinPadView(pad: lock.pad, send: send)
                Button(lock.checkInLabel) { send(.pinCheckIn) }.disabled(!lock.pad.enabled)
            }
            .padding()
        }
    }
}
