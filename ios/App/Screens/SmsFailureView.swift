// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// A text to a buddy that did not go, above every screen (locked or not) until it goes: try
/// again, or open Messages to send it by hand.
struct SmsFailureView: View {
    let failure: SmsFailure
    let send: (AppEvent) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(failure.text).bold()
            HStack {
                Button(failure.retryLabel) { send(.smsRetry(id: failure.id)) }.buttonStyle(.borderedProminent)
                Button(failure.composeLabel) { send(.smsCompose(id: failure.id)) }.buttonStyle(.bordered)
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .padding(12)
        .background(Tone.danger.color.opacity(0.15))
    }
}
