// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// On every screen, locked or not: "Emergency: 999", the press-55 line, and the help numbers.
struct EmergencyBarView: View {
    let bar: EmergencyBar
    let send: (AppEvent) -> Void

    var body: some View {
        VStack(spacing: 6) {
            // Large while a check-in is overdue or missed, or a buddy was not texted.
            if bar.prominent, let urgent = bar.urgentText {
                Text(urgent).font(.title3.bold()).foregroundStyle(.red).multilineTextAlignment(.center)
            }
            Button { send(.callEmergency) } label: {
                Text(bar.label).font(bar.prominent ? .title.bold() : .headline).frame(maxWidth: .infinity)
                    .padding(.vertical, bar.prominent ? 12 : 0)
            }
            .buttonStyle(.borderedProminent)
            .tint(.red)
            if !bar.hint.isEmpty {
                Text(bar.hint).font(.footnote).foregroundStyle(.secondary).multilineTextAlignment(.center)
            }
            Button(bar.helpLabel) { send(.open(to: .help)) }.font(.footnote)
        }
        .padding()
    }
}
