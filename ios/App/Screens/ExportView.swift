// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// What can be exported, the warning that the file is not locked, and the last export to share
/// again. The progress of an export is the work card (WorkCardView), drawn on every screen.
struct ExportView: View {
    let export: ExportScreen
    let send: (AppEvent) -> Void

    var body: some View {
        List {
            Section { Text(export.intro) }
            Section {
                ForEach(export.options, id: \.label) { option in
                    Button { send(.startExport(what: option.what)) } label: {
                        VStack(alignment: .leading) {
                            Text(option.label).bold()
                            Text(option.detail).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                    .disabled(!export.optionsEnabled)
                }
            }
            Section { Text(export.warning).foregroundStyle(.orange) }
            if let ready = export.ready {
                Section {
                    Text(ready.text)
                    Button(ready.shareLabel) { send(.shareExport) }.buttonStyle(.borderedProminent)
                }
            }
        }
    }
}

/// Long work under way (an export, a map import), above whichever screen shows.
struct WorkCardView: View {
    let work: WorkCard
    let send: (AppEvent) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(work.title).bold()
            ProgressView(value: WorkProgress.clamped(work.fraction))
                .accessibilityValue(work.percentLabel)
            HStack {
                Text(work.stage).font(.caption)
                Spacer()
                Text(work.percentLabel).font(.caption.monospacedDigit())
            }
            Button(work.cancelLabel, role: .cancel) { send(.cancelWork(id: work.id)) }
                .disabled(work.cancelling)
        }
        .padding(12)
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(Color.secondary.opacity(0.1))
    }
}
