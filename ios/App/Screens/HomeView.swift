// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// Quick-log buttons in the app model's order, the card after a log (Undo, add details), recent
/// incidents, and the way to the other screens.
struct HomeView: View {
    let home: HomeScreen
    let send: (AppEvent) -> Void
    @State private var note = ""
    @State private var witness = ""

    var body: some View {
        List {
            // Who tried the PIN comes first, until the person taps OK.
            if let tries = home.wrongPins {
                Section {
                    Text(tries.text).bold().foregroundStyle(.orange)
                    Button(tries.seenLabel) { send(.wrongPinsSeen) }
                }
            }
            if let card = home.checkin { CheckInCardView(card: card, send: send) }
            Section(home.quickLogHeading) {
                LazyVGrid(columns: [GridItem(.adaptive(minimum: 140))], spacing: 8) {
                    ForEach(home.kinds, id: \.kind) { button in
                        Button(button.label) { send(.quickLog(kind: button.kind)) }
                            .buttonStyle(.bordered).frame(maxWidth: .infinity)
                    }
                }
            }
            if let logged = home.logged { loggedCard(logged) }
            Section(home.recentHeading) {
                if home.recent.isEmpty { Text(home.emptyText).foregroundStyle(.secondary) }
                ForEach(home.recent, id: \.id) { row in
                    VStack(alignment: .leading) {
                        Text(row.kindLabel).bold()
                        Text(row.when).font(.caption).foregroundStyle(.secondary)
                        if !row.summary.isEmpty { Text(row.summary).lineLimit(2) }
                    }
                    .privacySensitive()
                }
            }
            Section {
                ForEach(home.nav, id: \.label) { item in
                    Button(item.label) { send(.open(to: item.to)) }
                }
                Button(home.lockLabel, role: .destructive) { send(.panic) }
            }
        }
    }

    @ViewBuilder
    private func loggedCard(_ logged: LoggedCard) -> some View {
        Section {
            Text(logged.text)
            if let undo = logged.undoLabel { Button(undo) { send(.undo) } }
            HStack {
                TextField(logged.addNoteLabel, text: $note).privacySensitive()
                Button(logged.addNoteLabel) { send(.addNote(text: note)); note = "" }.disabled(note.isEmpty)
            }
            HStack {
                TextField(logged.addWitnessLabel, text: $witness).privacySensitive()
                Button(logged.addWitnessLabel) { send(.addWitness(name: witness)); witness = "" }.disabled(witness.isEmpty)
            }
            // Take a photo, record a video, from Photos, from Files: the app model's buttons.
            ForEach(logged.addEvidence, id: \.source) { b in
                Button(b.label) { send(.addEvidence(source: b.source)) }
            }
            Text(logged.addFeelingLabel).font(.caption)
            HStack {
                ForEach(Array(logged.feelings.enumerated()), id: \.offset) { i, label in
                    Button(label) { send(.addFeeling(level: UInt8(i + 1))) }.buttonStyle(.bordered)
                }
            }
        }
    }
}
