// Apple-only (SwiftUI). View code only.
import SwiftUI
import WaymarkKit

/// Patterns in the log, in the app model's words, with simple bars; the safety note first.
struct InsightsView: View {
    let insights: InsightsScreen

    var body: some View {
        List {
            Section { Text(insights.safetyNote).bold() }
            Section { Text(insights.summary) }
            Section(insights.trendHeading) { Text(insights.trend) }
            Section(insights.whenHeading) {
                if !insights.busiestHour.isEmpty { Text(insights.busiestHour) }
                if !insights.busiestDay.isEmpty { Text(insights.busiestDay) }
                HourBars(counts: insights.byHour).frame(height: 60).accessibilityHidden(true)
                ForEach(Array(insights.byDay.enumerated()), id: \.offset) { _, bar in CountBarRow(bar: bar) }
            }
            if !insights.weekly.isEmpty {
                Section { ForEach(Array(insights.weekly.enumerated()), id: \.offset) { _, bar in CountBarRow(bar: bar) } }
            }
            Section(insights.placesHeading) { ForEach(insights.places, id: \.self) { Text($0) } }
            Section(insights.signalsHeading) {
                if insights.signals.isEmpty { Text(insights.noSignalsText) }
                ForEach(Array(insights.signals.enumerated()), id: \.offset) { _, signal in
                    VStack(alignment: .leading) {
                        Text(signal.headline).bold()
                        Text(signal.incidentsLabel).font(.caption).foregroundStyle(.secondary)
                    }
                }
            }
            Section(insights.conductHeading) { ForEach(insights.conduct, id: \.self) { Text($0) } }
        }
        .privacySensitive()
    }
}

/// 24 bars, one per hour, scaled to the busiest.
struct HourBars: View {
    let counts: [UInt32]

    var body: some View {
        GeometryReader { geo in
            let top = Double(counts.max() ?? 0)
            HStack(alignment: .bottom, spacing: 1) {
                ForEach(Array(counts.enumerated()), id: \.offset) { _, n in
                    Rectangle().fill(Color.accentColor)
                        .frame(height: top > 0 ? geo.size.height * Double(n) / top : 0)
                }
            }
        }
    }
}

struct CountBarRow: View {
    let bar: CountBar

    var body: some View {
        HStack {
            Text(bar.label)
            Spacer()
            Text(String(bar.count)).monospacedDigit()
        }
        .accessibilityElement(children: .combine)
    }
}
