// Apple-only (SwiftUI). View code only: draws the app model's check-in screen, sends its events.
import SwiftUI
import WaymarkKit

/// The form (buddy, where, how long, grace, the plan text exactly as the buddy reads it and its
/// text count), or the running check-in (its card and the alert ladder); then the relay.
struct CheckInView: View {
    let checkin: CheckInScreen
    let send: (AppEvent) -> Void

    var body: some View {
        List {
            if let running = checkin.running {
                CheckInCardView(card: running.card, send: send)
                if let note = running.smsNote {
                    Text(note).foregroundStyle(.orange)
                }
                Section(running.ladderStatus) {
                    ForEach(Array(running.ladder.enumerated()), id: \.offset) { _, row in
                        HStack(alignment: .firstTextBaseline) {
                            Text(row.when).monospacedDigit().foregroundStyle(.secondary)
                            Text(row.text)
                            Spacer()
                            if row.failed {
                                Image(systemName: "exclamationmark.triangle.fill").foregroundStyle(.red)
                            } else if row.done {
                                Image(systemName: "checkmark").foregroundStyle(.green)
                            }
                        }
                        .accessibilityElement(children: .combine)
                    }
                }
                .privacySensitive()
            } else if let form = checkin.form {
                CheckInFormView(form: form, send: send)
            }
            RelayCardView(relay: checkin.relay, send: send)
        }
    }
}

struct CheckInFormView: View {
    let form: CheckInForm
    let send: (AppEvent) -> Void
    @State private var destination = ""
    @State private var name = ""
    @State private var phone = ""

    var body: some View {
        Section(form.buddyHeading) {
            ForEach(form.buddies, id: \.contactId) { buddy in
                Button { send(.checkInToggleBuddy(contactId: buddy.contactId)) } label: {
                    HStack {
                        VStack(alignment: .leading) {
                            Text(buddy.name)
                            Text(buddy.phone).font(.caption).foregroundStyle(.secondary)
                        }
                        Spacer()
                        if buddy.selected { Image(systemName: "checkmark") }
                    }
                }
                .accessibilityAddTraits(buddy.selected ? .isSelected : [])
            }
            TextField(form.nameLabel, text: $name).textContentType(.name)
            TextField(form.phoneLabel, text: $phone).keyboardType(.phonePad)
            Button(form.addBuddyLabel) {
                send(.checkInAddBuddy(name: name, phone: phone))
                name = ""
                phone = ""
            }
            .disabled(name.isEmpty || phone.isEmpty)
        }
        .privacySensitive()
        Section(form.destinationLabel) {
            TextField(form.destinationLabel, text: $destination)
                .autocorrectionDisabled()
                .onAppear { destination = form.destination }
                .onChange(of: destination) { send(.checkInDestination(text: $0)) }
                .privacySensitive()
        }
        Section(form.minutesLabel) {
            ChoiceRow(choices: form.minuteChoices, chosen: form.minutes) { send(.checkInMinutes(minutes: $0)) }
            Text(form.dueText).foregroundStyle(.secondary)
        }
        Section {
            Toggle(form.shareLocationLabel, isOn: Binding(
                get: { form.shareLocation },
                set: { send(.checkInShareLocation(on: $0)) }))
        }
        Section(form.graceLabel) {
            ChoiceRow(choices: form.graceChoices, chosen: form.graceMinutes) { send(.checkInGrace(minutes: $0)) }
        }
        Section(form.previewHeading) {
            if let preview = form.preview {
                Text(preview).font(.callout).textSelection(.disabled).privacySensitive()
                Text(form.smsCountLabel).font(.caption).foregroundStyle(.secondary)
            }
            if let note = form.composeNote { Text(note).font(.footnote) }
            if let problem = form.problem { Text(problem).foregroundStyle(.orange) }
            Button(form.startLabel) { send(.checkInStart) }
                .buttonStyle(.borderedProminent)
                .disabled(!form.canStart)
        }
    }
}

/// Minutes offered as buttons; the chosen one is marked.
struct ChoiceRow: View {
    let choices: [UInt32]
    let chosen: UInt32
    let pick: (UInt32) -> Void

    var body: some View {
        HStack {
            ForEach(choices, id: \.self) { minutes in
                Button(String(minutes)) { pick(minutes) }
                    .buttonStyle(.bordered)
                    .tint(minutes == chosen ? .accentColor : .secondary)
                    .accessibilityAddTraits(minutes == chosen ? .isSelected : [])
            }
        }
    }
}

/// The running check-in, on home and on the check-in screen: where, the countdown (or how long
/// overdue), "I'm safe", more time, stop.
struct CheckInCardView: View {
    let card: CheckInCard
    let send: (AppEvent) -> Void

    var body: some View {
        Section {
            VStack(alignment: .leading, spacing: 8) {
                Text(card.title).font(.headline)
                Text(card.destination).privacySensitive()
                HStack {
                    Text(card.status)
                    Spacer()
                    Text(Format.checkInClock(dueInSeconds: card.dueInSeconds, overdueSeconds: card.overdueSeconds))
                        .font(.title2.monospacedDigit())
                        .accessibilityHidden(true)  // the status says it in words
                }
                Text(card.deadlineText).font(.caption).foregroundStyle(.secondary)
                Button(card.safeLabel) { send(.checkInSafe) }
                    .buttonStyle(.borderedProminent)
                    .frame(maxWidth: .infinity)
                HStack {
                    if let extend = card.extendLabel {
                        Button(extend) { send(.checkInExtend(minutes: card.extendMinutes)) }.buttonStyle(.bordered)
                    }
                    if let stop = card.stopLabel {
                        Button(stop, role: .destructive) { send(.checkInStop) }
                    }
                }
            }
            .padding(.vertical, 4)
        }
        .listRowBackground(card.tone.color.opacity(0.12))
    }
}

/// The check-in relay: whether it holds the running plan (first, in its tone), a key to compare
/// before trusting it, the relay in use and its fingerprint, and the address field.
struct RelayCardView: View {
    let relay: RelayCard
    let send: (AppEvent) -> Void
    @State private var address = ""

    var body: some View {
        Section(relay.heading) {
            if let status = relay.status { BannerView(banner: status) }
            if let retry = relay.retryLabel {
                Button(retry) { send(.relayRetry) }.buttonStyle(.borderedProminent)
            }
            if let prompt = relay.keyPrompt {
                VStack(alignment: .leading, spacing: 8) {
                    Text(prompt.text)
                        .foregroundStyle(prompt.changed ? Color.red : Color.primary)
                        .bold(prompt.changed)
                    Text(prompt.address).font(.caption).foregroundStyle(.secondary)
                    Text(prompt.fingerprint).font(.title3.monospaced().bold()).textSelection(.enabled)
                    if let previous = prompt.previous { Text(previous).font(.caption) }
                }
                Button(prompt.acceptLabel) { send(.relayAcceptKey) }
                    .buttonStyle(.bordered)
                Button(prompt.rejectLabel, role: prompt.changed ? nil : .cancel) { send(.relayRejectKey) }
                    .buttonStyle(.borderedProminent)
            } else {
                if let inUse = relay.inUse { Text(inUse).bold() }
                if let fingerprint = relay.fingerprint {
                    Text(fingerprint).font(.caption.monospaced()).foregroundStyle(.secondary)
                }
                Text(relay.about).font(.footnote).foregroundStyle(.secondary)
                TextField(relay.addressLabel, text: $address)
                    .keyboardType(.URL)
                    .textContentType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                Button(relay.setLabel) { send(.relaySetUp(address: address)) }
                    .disabled(address.isEmpty)
                if let forget = relay.forgetLabel {
                    Button(forget, role: .destructive) { send(.relayForget) }
                }
            }
        }
    }
}
