// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// The risk questions: what they are not (first), each question with what the log says, the
/// answer and its history.
struct RiskView: View {
    let risk: RiskScreen
    let send: (AppEvent) -> Void
    @State private var notes: [String: String] = [:]

    var body: some View {
        List {
            Section {
                Text(risk.intro).bold()
                Text(risk.source).font(.caption).foregroundStyle(.secondary)
                Text(risk.progressLabel)
            }
            ForEach(risk.questions, id: \.id) { q in
                Section(q.numberLabel) {
                    Text(q.text).bold()
                    Text(q.why).font(.caption)
                    if q.askedOnly { Text(risk.askedOnlyText).font(.caption).foregroundStyle(.secondary) }
                    if let says = q.logSays {
                        Text(says).foregroundStyle(q.pointsToYes ? .orange : .secondary)
                        if !q.incidentIds.isEmpty { Text(q.incidentsLabel).font(.caption) }
                    }
                    TextField(risk.noteLabel, text: Binding(
                        get: { notes[q.id] ?? "" }, set: { notes[q.id] = $0 }))
                    HStack {
                        ForEach(risk.choices, id: \.label) { option in
                            Button(option.label) {
                                let note = notes[q.id] ?? ""
                                send(.answerRisk(questionId: q.id, choice: option.choice, note: note.isEmpty ? nil : note))
                            }
                            .buttonStyle(.bordered)
                            .tint(q.answer?.choice == option.choice ? .accentColor : .secondary)
                        }
                    }
                    if let answer = q.answer {
                        Text(answer.text)
                        if let note = answer.note { Text(note).font(.caption) }
                    }
                    if !q.history.isEmpty {
                        DisclosureGroup(risk.historyLabel) {
                            ForEach(Array(q.history.enumerated()), id: \.offset) { _, old in
                                Text(old.text).font(.caption)
                            }
                        }
                    }
                }
            }
        }
        .privacySensitive()
    }
}
