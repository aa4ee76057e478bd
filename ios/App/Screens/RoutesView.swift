// Apple-only (SwiftUI). View code only: saved places, the routes between two of them drawn over
// the streets the app model sends (no map tiles: a tile server would learn where the person
// looks), their figures, and the plan.
import SwiftUI
import WaymarkKit

struct RoutesView: View {
    let routes: RoutesScreen
    let send: (AppEvent) -> Void
    @State private var name = ""
    @State private var lat = ""
    @State private var lon = ""
    @State private var from = ""
    @State private var to = ""
    @State private var mode: TravelMode = .walk
    @State private var arriveBy = Date()

    var body: some View {
        List {
            Section {
                Text(routes.map.label)
                Text(routes.map.sizeLabel).font(.caption).foregroundStyle(.secondary)
                Button(routes.map.importLabel) { send(.importMap) }
                if let forget = routes.map.forgetLabel { Button(forget, role: .destructive) { send(.forgetMap) } }
            }
            Section(routes.placesHeading) {
                if routes.places.isEmpty { Text(routes.noPlacesText).foregroundStyle(.secondary) }
                ForEach(routes.places, id: \.name) { place in
                    HStack {
                        VStack(alignment: .leading) {
                            Text(place.name)
                            Text(place.positionLabel).font(.caption.monospacedDigit()).foregroundStyle(.secondary)
                        }
                        Spacer()
                        Button(place.removeLabel, role: .destructive) { send(.removePlace(name: place.name)) }
                            .buttonStyle(.borderless)
                    }
                }
                TextField(routes.nameLabel, text: $name)
                Button(routes.addHereLabel) { send(.addPlaceHere(name: name)); name = "" }
                    .disabled(name.isEmpty || routes.waitingForPosition)
                HStack {
                    TextField(routes.latLabel, text: $lat).keyboardType(.numbersAndPunctuation)
                    TextField(routes.lonLabel, text: $lon).keyboardType(.numbersAndPunctuation)
                }
                Button(routes.addLabel) {
                    // The app model checks the numbers; what cannot be read as one is sent as NaN
                    // and refused there, in its words.
                    send(.addPlace(name: name, lat: Double(lat) ?? .nan, lon: Double(lon) ?? .nan))
                }
                .disabled(name.isEmpty)
            }
            .privacySensitive()
            Section {
                Picker(routes.fromLabel, selection: $from) { placeChoices }
                Picker(routes.toLabel, selection: $to) { placeChoices }
                Picker(selection: $mode) {
                    ForEach(routes.modes, id: \.mode) { Text($0.label).tag($0.mode) }
                } label: { EmptyView() }
                .pickerStyle(.segmented)
                Button(routes.findLabel) { send(.findRoutes(from: from, to: to, mode: mode)) }
                    .disabled(from.isEmpty || to.isEmpty)
                DatePicker(routes.arriveByLabel, selection: $arriveBy, displayedComponents: .hourAndMinute)
                Button(routes.planLabel) {
                    let parts = Calendar.current.dateComponents([.hour, .minute], from: arriveBy)
                    let minute = UInt32((parts.hour ?? 0) * 60 + (parts.minute ?? 0))
                    send(.planTrips(from: from, to: to, mode: mode, arriveByMinute: minute))
                }
                .disabled(from.isEmpty || to.isEmpty)
            }
            if let drawing = routes.drawing {
                Section {
                    RouteCanvas(drawing: drawing).frame(height: 300).privacySensitive()
                    Text(drawing.attribution).font(.caption2).foregroundStyle(.secondary)
                }
            }
            ForEach(routes.alternatives, id: \.index) { card in
                Section { RouteCardView(card: card, send: send) }
            }
            if let plan = routes.plan { PlanView(plan: plan) }
        }
    }

    @ViewBuilder private var placeChoices: some View {
        ForEach(routes.places, id: \.name) { Text($0.name).tag($0.name) }
    }
}

/// The streets in grey, the routes over them, the chosen one thicker; placed by MapProjection.
struct RouteCanvas: View {
    let drawing: RouteDrawing

    var body: some View {
        Canvas { context, size in
            guard let map = MapProjection(bbox: drawing.bbox, width: size.width, height: size.height) else { return }
            func path(_ points: [[Double]]) -> Path {
                var path = Path()
                let placed = map.line(points)
                if let first = placed.first { path.move(to: CGPoint(x: first.x, y: first.y)) }
                for p in placed.dropFirst() { path.addLine(to: CGPoint(x: p.x, y: p.y)) }
                return path
            }
            for street in drawing.streets {
                context.stroke(path(street.points), with: .color(.secondary.opacity(0.35)), lineWidth: 1)
            }
            for route in drawing.routes.sorted(by: { !$0.selected && $1.selected }) {
                context.stroke(path(route.points), with: .color(route.selected ? .blue : .orange.opacity(0.7)),
                               style: StrokeStyle(lineWidth: route.selected ? 5 : 3, lineCap: .round, lineJoin: .round))
            }
        }
        .accessibilityHidden(true)  // the route cards say the same in words
    }
}

struct RouteCardView: View {
    let card: RouteCard
    let send: (AppEvent) -> Void

    var body: some View {
        Button { send(.selectRoute(index: card.index)) } label: {
            VStack(alignment: .leading, spacing: 4) {
                HStack {
                    Text(card.title).bold()
                    Spacer()
                    if card.selected { Image(systemName: "checkmark") }
                }
                Text(card.minutesLabel)
                if !card.stretchLabel.isEmpty { Text(card.stretchLabel).font(.caption) }
                if !card.corridorLabel.isEmpty { Text(card.corridorLabel).font(.caption) }
                Text(card.streetsLabel).font(.caption).foregroundStyle(.secondary)
                ForEach(card.notes, id: \.self) { Text($0).font(.caption) }
            }
        }
        .accessibilityAddTraits(card.selected ? .isSelected : [])
    }
}

struct PlanView: View {
    let plan: PlanCard

    var body: some View {
        Section(plan.heading) {
            if let today = plan.today { Text(today.text).bold() }
            ForEach(plan.trips, id: \.date) { trip in
                HStack {
                    Text(trip.dayLabel)
                    Spacer()
                    Text(trip.text).font(.caption)
                }
            }
        }
        Section(plan.predictabilityHeading) {
            ForEach(plan.predictability, id: \.label) { figure in
                HStack {
                    Text(figure.label)
                    Spacer()
                    Text(figure.valueLabel).monospacedDigit()
                }
            }
            Text(plan.attribution).font(.caption2).foregroundStyle(.secondary)
        }
    }
}
