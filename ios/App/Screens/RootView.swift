// Apple-only (SwiftUI). View code only: draws the app model's view model, sends its events.
import SwiftUI
import WaymarkKit

struct RootView: View {
    @ObservedObject var host: AppHost

    var body: some View {
        let view = host.view
        ZStack {
            if view.hideContent || host.covered {
                PrivacyCoverView()
            } else {
                NavigationStack {
                    VStack(spacing: 0) {
                        if let failure = view.smsFailed { SmsFailureView(failure: failure, send: host.send) }
                        if let work = view.work { WorkCardView(work: work, send: host.send) }
                        if let banner = view.banner { BannerView(banner: banner) }
                        screen(view.screen)
                        EmergencyBarView(bar: view.emergency, send: host.send)
                    }
                    .navigationTitle(view.title)
                    .navigationBarTitleDisplayMode(.inline)
                    .navigationBarBackButtonHidden(true)
                    .toolbar {
                        if let back = view.backLabel {
                            ToolbarItem(placement: .navigationBarLeading) {
                                Button(back) { host.send(.back) }
                            }
                        }
                    }
                }
            }
        }
    }

    @ViewBuilder
    private func screen(_ screen: Screen) -> some View {
        switch screen {
        case let .lock(lock): LockView(lock: lock, send: host.send)
        case let .firstRun(setup): FirstRunView(setup: setup, send: host.send)
        case let .home(home): HomeView(home: home, send: host.send)
        case let .help(help): HelpView(help: help, send: host.send)
        case let .checkIn(checkin): CheckInView(checkin: checkin, send: host.send)
        case let .incidents(incidents): IncidentListView(incidents: incidents, send: host.send)
        case let .incident(incident): IncidentDetailView(incident: incident, send: host.send)
        case let .settings(settings): SettingsView(settings: settings, send: host.send)
        case let .export(export): ExportView(export: export, send: host.send)
        case let .routes(routes): RoutesView(routes: routes, send: host.send)
        case let .insights(insights): InsightsView(insights: insights)
        case let .risk(risk): RiskView(risk: risk, send: host.send)
        }
    }
}

/// Nothing personal, nothing that says what the app is: what the app switcher and anyone
/// glancing at the screen see while the app is covered.
struct PrivacyCoverView: View {
    var body: some View {
        Color(uiColor: .systemBackground).ignoresSafeArea()
    }
}

struct BannerView: View {
    let banner: Banner

    var body: some View {
        Text(banner.text)
            .font(.callout)
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding(12)
            .background(banner.tone.color.opacity(0.15))
            .accessibilityAddTraits(.isStaticText)
    }
}

extension Tone {
    /// The app model names colours by role; this is the iOS theme for each.
    var color: Color {
        switch self {
        case .neutral: return .secondary
        case .good: return .green
        case .caution: return .orange
        case .danger: return .red
        }
    }
}
