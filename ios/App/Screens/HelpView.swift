// Apple-only (SwiftUI). View code only: usable without unlocking.
import SwiftUI
import WaymarkKit

struct HelpView: View {
    let help: HelpScreen
    let send: (AppEvent) -> Void

    var body: some View {
        List(help.numbers, id: \.id) { number in
            VStack(alignment: .leading, spacing: 4) {
                Text(number.name).bold()
                Text(number.whatFor)
                Text(number.hours).font(.caption).foregroundStyle(.secondary)
                ForEach(number.notes, id: \.self) { Text($0).font(.caption) }
                Button(number.callLabel) { send(.callHelp(id: number.id)) }
                    .buttonStyle(.borderedProminent)
                    .tint(number.isEmergency ? Color.red : Color.accentColor)
            }
        }
    }
}
