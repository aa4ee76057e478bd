// Apple-only (SwiftUI). View code only: dots, never digits.
import SwiftUI
import WaymarkKit

struct PinPadView: View {
    let pad: PinPad
    let send: (AppEvent) -> Void

    private let rows: [[UInt8]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]

    var body: some View {
        VStack(spacing: 16) {
            Text(pad.prompt).font(.title3)
            HStack(spacing: 10) {
                ForEach(0..<Int(max(pad.dots, 1)), id: \.self) { i in
                    Circle().fill(i < Int(pad.dots) ? Color.primary : Color.clear)
                        .overlay(Circle().stroke(Color.primary))
                        .frame(width: 12, height: 12)
                }
            }
            .accessibilityElement(children: .ignore)
            .accessibilityLabel(pad.dotsLabel)
            ForEach(rows, id: \.self) { row in
                HStack(spacing: 24) { ForEach(row, id: \.self) { digitKey($0) } }
            }
            HStack(spacing: 24) {
                Button(pad.deleteLabel) { send(.pinDelete) }.frame(width: 72, height: 72)
                digitKey(0)
                Button(pad.submitLabel) { send(.pinSubmit) }.frame(width: 72, height: 72).bold()
            }
        }
        .disabled(!pad.enabled)
        .opacity(pad.enabled ? 1 : 0.4)
    }

    private func digitKey(_ digit: UInt8) -> some View {
        Button { send(.pinDigit(digit: digit)) } label: {
            Text(String(digit)).font(.largeTitle).frame(width: 72, height: 72)
                .background(Circle().fill(Color.secondary.opacity(0.15)))
        }
        .buttonStyle(.plain)
    }
}
