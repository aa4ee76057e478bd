// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// The menu (PIN actions, auto-lock delay, help region, the recovery code's note), or the PIN
/// pad of a PIN flow (the app model's step and heading; Back leaves it).
struct SettingsView: View {
    let settings: SettingsScreen
    let send: (AppEvent) -> Void

    var body: some View {
        if let pad = settings.pad, settings.step != .menu {
            ScrollView {
                VStack(spacing: 20) {
                    Text(settings.heading).font(.headline)
                    PinPadView(pad: pad, send: send)
                }
                .padding()
            }
        } else {
            List {
                Section(settings.heading) {
                    Button(settings.changePinLabel) { send(.settingsChangePin) }
                    Button(settings.setDuressLabel) { send(.settingsSetDuress) }
                    Button(settings.removeDuressLabel, role: .destructive) { send(.settingsRemoveDuress) }
                    Text(settings.duressBody).font(.footnote).foregroundStyle(.secondary)
                }
                Section(settings.autoLockLabel) {
                    ForEach(settings.autoLock, id: \.seconds) { choice in
                        CheckRow(label: choice.label, selected: choice.selected) {
                            send(.settingsAutoLock(seconds: choice.seconds))
                        }
                    }
                }
                Section(settings.regionLabel) {
                    ForEach(settings.regions, id: \.code) { region in
                        CheckRow(label: region.name, selected: region.selected) {
                            send(.settingsRegion(code: region.code))
                        }
                    }
                }
                Section(settings.disguiseLabel) {
                    ForEach(settings.disguises, id: \.kind) { choice in
                        CheckRow(label: choice.label, selected: choice.selected) {
                            send(.chooseDisguise(kind: choice.kind))
                        }
                    }
                    Text(settings.disguiseNote).font(.footnote).foregroundStyle(.secondary)
                }
                Section(settings.recoveryHeading) {
                    Text(settings.recoveryBody)
                }
            }
        }
    }
}

/// A choice in a list, marked when chosen.
struct CheckRow: View {
    let label: String
    let selected: Bool
    let choose: () -> Void

    var body: some View {
        Button(action: choose) {
            HStack {
                Text(label)
                Spacer()
                if selected { Image(systemName: "checkmark") }
            }
        }
        .accessibilityAddTraits(selected ? .isSelected : [])
    }
}

/// The names and icons the app can wear (set-up's step): one row each, the chosen one marked.
struct DisguisePicker: View {
    let choices: [DisguiseChoice]
    let note: String
    let send: (AppEvent) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            ForEach(choices, id: \.kind) { choice in
                CheckRow(label: choice.label, selected: choice.selected) {
                    send(.chooseDisguise(kind: choice.kind))
                }
                .buttonStyle(.bordered)
            }
            Text(note).font(.footnote).foregroundStyle(.secondary)
        }
    }
}
