// Apple-only (SwiftUI). View code only: the incident list and one incident with its evidence
// and history, edit and remove.
import SwiftUI
import WaymarkKit

struct IncidentListView: View {
    let incidents: IncidentListScreen
    let send: (AppEvent) -> Void

    var body: some View {
        List {
            if incidents.rows.isEmpty { Text(incidents.emptyText).foregroundStyle(.secondary) }
            ForEach(incidents.rows, id: \.id) { row in
                Button { send(.openIncident(id: row.id)) } label: { IncidentRowView(row: row) }
            }
        }
        .privacySensitive()
    }
}

struct IncidentRowView: View {
    let row: IncidentRow

    var body: some View {
        VStack(alignment: .leading) {
            Text(row.kindLabel).bold()
            Text(row.when).font(.caption).foregroundStyle(.secondary)
            if !row.summary.isEmpty { Text(row.summary).lineLimit(2) }
        }
    }
}

struct IncidentDetailView: View {
    let incident: IncidentDetailScreen
    let send: (AppEvent) -> Void
    @State private var editing = false
    @State private var removing = false
    @State private var kind: QuickKind = .followed
    @State private var text = ""
    @State private var reason = ""
    @State private var witness = ""

    var body: some View {
        List {
            Section {
                Text(incident.kindLabel).font(.headline)
                Text(incident.when).foregroundStyle(.secondary)
                if !incident.description.isEmpty { Text(incident.description) }
                if let place = incident.place { Text(place) }
                ForEach(incident.witnesses, id: \.self) { Text($0) }
                if let feeling = incident.feeling { Text(feeling) }
            }
            if editing { editForm }
            Section(incident.evidenceHeading) {
                if incident.evidence.isEmpty { Text(incident.noEvidenceText).foregroundStyle(.secondary) }
                ForEach(incident.evidence, id: \.id) { item in
                    HStack {
                        Text(item.label)
                        Spacer()
                        Text(item.sizeText).foregroundStyle(.secondary)
                        Text(item.when).font(.caption).foregroundStyle(.secondary)
                    }
                }
                ForEach(incident.addEvidence, id: \.source) { b in
                    Button(b.label) { send(.addEvidence(source: b.source)) }
                }
            }
            Section {
                HStack {
                    TextField(incident.addWitnessLabel, text: $witness)
                    Button(incident.addWitnessLabel) { send(.addWitness(name: witness)); witness = "" }
                        .disabled(witness.isEmpty)
                }
                Text(incident.addFeelingLabel).font(.caption)
                HStack {
                    ForEach(Array(incident.feelings.enumerated()), id: \.offset) { i, label in
                        Button(label) { send(.addFeeling(level: UInt8(i + 1))) }.buttonStyle(.bordered)
                    }
                }
            }
            Section(incident.historyHeading) {
                ForEach(Array(incident.history.enumerated()), id: \.offset) { _, step in
                    VStack(alignment: .leading) {
                        Text(step.text)
                        if let why = step.reason { Text(why).font(.caption) }
                        Text(step.when).font(.caption).foregroundStyle(.secondary)
                    }
                }
            }
            Section {
                Button(incident.editLabel) {
                    kind = incident.kind
                    text = incident.description
                    reason = ""
                    editing = true
                }
                Button(incident.removeLabel, role: .destructive) { reason = ""; removing = true }
            }
        }
        .privacySensitive()
        // An alert, since it takes the optional reason (a confirmation dialog holds buttons only).
        .alert(incident.removeWarning, isPresented: $removing) {
            TextField(incident.reasonLabel, text: $reason)
            Button(incident.removeLabel, role: .destructive) { send(.removeIncident(reason: reason)) }
        }
    }

    private var editForm: some View {
        Section {
            Picker(incident.kindLabel, selection: $kind) {
                ForEach(incident.kinds, id: \.kind) { Text($0.label).tag($0.kind) }
            }
            TextEditor(text: $text).frame(minHeight: 100)
            TextField(incident.reasonLabel, text: $reason)
            Button(incident.saveLabel) {
                send(.editIncident(kind: kind, description: text, reason: reason))
                editing = false
            }
        }
    }
}
