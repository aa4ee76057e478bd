// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

struct FirstRunView: View {
    let setup: FirstRunScreen
    let send: (AppEvent) -> Void
    @State private var name = ""
    @State private var phone = ""
    @State private var typedCode = ""

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 16) {
                Text(setup.heading).font(.title2).bold()
                Text(setup.body)
                if let pad = setup.pad { PinPadView(pad: pad, send: send).frame(maxWidth: .infinity) }
                if !setup.recoveryGroups.isEmpty {
                    Text(setup.recoveryGroups.joined(separator: " "))
                        .font(.system(.title3, design: .monospaced))
                        .textSelection(.disabled)  // never onto the clipboard
                        .privacySensitive()
                }
                switch setup.step {
                case .confirmRecoveryCode:
                    TextField("", text: $typedCode).textInputAutocapitalization(.characters)
                        .autocorrectionDisabled().privacySensitive()
                    Button(setup.primaryLabel) { send(.recoveryCodeTyped(text: typedCode)) }
                case .buddy:
                    TextField(setup.nameLabel, text: $name).textContentType(.name).autocorrectionDisabled()
                    TextField(setup.phoneLabel, text: $phone).keyboardType(.phonePad)
                    Button(setup.primaryLabel) { send(.setupBuddy(name: name, phone: phone)) }
                case .location:
                    Button(setup.primaryLabel) { send(.setupLocation(on: true)) }
                case .welcome:
                    Button(setup.primaryLabel) { send(.setupStart) }
                case .showRecoveryCode:
                    Button(setup.primaryLabel) { send(.recoveryCodeWritten) }
                case .disguise:
                    DisguisePicker(choices: setup.disguises, note: setup.disguiseNote, send: send)
                case .done:
                    Button(setup.primaryLabel) { send(.open(to: .home)) }
                case .choosePin, .confirmPin, .duressPin:
                    EmptyView()  // the pad's own submit key
                }
                if !setup.secondaryLabel.isEmpty {
                    Button(setup.secondaryLabel) {
                        send(setup.step == .location ? .setupLocation(on: false) : .setupSkip)
                    }
                }
                if setup.busy { ProgressView() }
            }
            .padding()
            .disabled(setup.busy)
        }
    }
}
