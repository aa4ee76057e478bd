package org.waymark.android.app

import android.view.View
import android.widget.GridLayout
import org.waymark.app.model.AppEvent
import org.waymark.app.model.RouteCard
import org.waymark.app.model.RoutesScreen
import org.waymark.app.model.TravelMode

/**
 * Routes and plan: the map in use, saved places, routes between two of them drawn over the
 * streets around them (RouteMapView) with their figures, and a plan for the next days.
 */
object RoutesView {
    /** The travel mode picked in the form, kept across redraws like a field's text. */
    private var mode: TravelMode? = null

    fun draw(ui: Ui, fields: Fields, r: RoutesScreen, send: (AppEvent) -> Unit): View {
        val col = ui.column(padding = 16, spacing = 8)
        val map = ui.card(ui.text(r.map.label, bold = true), ui.muted(r.map.sizeLabel))
        map.addView(ui.button(r.map.importLabel, Ui.Style.Secondary) { send(AppEvent.ImportMap) }.apply { tag = "import-map" }, ui.spaced(6))
        r.map.forgetLabel?.let { map.addView(ui.button(it, Ui.Style.Quiet) { send(AppEvent.ForgetMap) }.apply { tag = "forget-map" }, ui.spaced(4)) }
        map.addView(ui.muted(r.map.attribution), ui.spaced(4))
        col.addView(map, ui.spaced(0))

        col.addView(ui.subheading(r.placesHeading), ui.spaced(8))
        if (r.places.isEmpty()) col.addView(ui.muted(r.noPlacesText), ui.spaced(0))
        for (p in r.places) {
            val row = ui.row(ui.column(0, 2, ui.text(p.name, bold = true), ui.muted(p.positionLabel)),
                ui.button(p.removeLabel, Ui.Style.Quiet) { send(AppEvent.RemovePlace(p.name)) }.apply { tag = "remove-place-${p.name}" })
            row.tag = "place-${p.name}"
            col.addView(row, ui.spaced(4))
        }
        col.addView(fields.get("place-name", r.nameLabel), ui.spaced(8))
        col.addView(ui.button(r.addHereLabel, Ui.Style.Secondary) {
            send(AppEvent.AddPlaceHere(fields.text("place-name")))
        }.apply { tag = "add-place-here"; isEnabled = !r.waitingForPosition }, ui.spaced(4))
        col.addView(ui.row(fields.get("place-lat", r.latLabel, Fields.Kind.Number), fields.get("place-lon", r.lonLabel, Fields.Kind.Number)), ui.spaced(4))
        col.addView(ui.button(r.addLabel, Ui.Style.Secondary) {
            val lat = fields.text("place-lat").trim().toDoubleOrNull() ?: Double.NaN
            val lon = fields.text("place-lon").trim().toDoubleOrNull() ?: Double.NaN
            // Not a number reaches the model as NaN, which it refuses with its own words.
            send(AppEvent.AddPlace(fields.text("place-name"), lat, lon))
        }.apply { tag = "add-place" }, ui.spaced(4))

        col.addView(ui.subheading(r.findLabel), ui.spaced(12))
        col.addView(fields.get("route-from", r.fromLabel), ui.spaced(0))
        col.addView(fields.get("route-to", r.toLabel), ui.spaced(4))
        val chosen = mode ?: r.modes.firstOrNull()?.mode
        val modes = GridLayout(ui.context).apply { columnCount = r.modes.size.coerceAtLeast(1); tag = "modes" }
        for (m in r.modes) {
            val b = ui.button(m.label, if (m.mode == chosen) Ui.Style.Primary else Ui.Style.Secondary) {
                mode = m.mode
                for (i in 0 until modes.childCount) {
                    val other = modes.getChildAt(i) as android.widget.Button
                    val on = other.tag == "mode-${m.mode.name.lowercase()}"
                    other.isSelected = on
                    ui.restyle(other, if (on) Ui.Style.Primary else Ui.Style.Secondary)
                }
            }.apply { tag = "mode-${m.mode.name.lowercase()}"; isSelected = m.mode == chosen }
            modes.addView(b, GridLayout.LayoutParams(GridLayout.spec(GridLayout.UNDEFINED, GridLayout.FILL), GridLayout.spec(GridLayout.UNDEFINED, 1f)).apply {
                width = 0
                setMargins(ui.dp(4), ui.dp(4), ui.dp(4), ui.dp(4))
            })
        }
        col.addView(modes, ui.spaced(4))
        val pick = { mode ?: r.modes.firstOrNull()?.mode ?: TravelMode.WALK }
        col.addView(ui.button(r.findLabel, Ui.Style.Primary) {
            send(AppEvent.FindRoutes(fields.text("route-from"), fields.text("route-to"), pick()))
        }.apply { tag = "find-routes" }, ui.spaced(4))
        // The time to arrive by, typed as the phone's keypad allows ("08:30", "0830"); anything
        // else reaches the model as no time, which it asks for in its own words.
        col.addView(fields.get("arrive-by", r.arriveByLabel, Fields.Kind.Phone), ui.spaced(4))
        col.addView(ui.button(r.planLabel, Ui.Style.Secondary) {
            send(AppEvent.PlanTrips(fields.text("route-from"), fields.text("route-to"), pick(), minuteOfDay(fields.text("arrive-by"))))
        }.apply { tag = "plan-trips" }, ui.spaced(4))

        r.drawing?.let { col.addView(RouteMapView(ui.context, it, ui).apply { tag = "route-map" }, ui.spaced(12)) }
        for (c in r.alternatives) col.addView(routeCard(ui, c, send), ui.spaced(6))

        r.plan?.let { plan ->
            col.addView(ui.subheading(plan.heading), ui.spaced(12))
            plan.today?.let { col.addView(ui.text(it.text, bold = true).apply { tag = "plan-today" }, ui.spaced(0)) }
            for (t in plan.trips) col.addView(ui.column(0, 2, ui.text(t.dayLabel, bold = t.isToday), ui.muted(t.text)), ui.spaced(4))
            col.addView(ui.subheading(plan.predictabilityHeading), ui.spaced(8))
            for (f in plan.predictability) col.addView(ui.row(ui.text(f.label), ui.text(f.valueLabel, bold = true)), ui.spaced(2))
            col.addView(ui.muted(plan.attribution), ui.spaced(4))
        }
        return col
    }

    private fun routeCard(ui: Ui, c: RouteCard, send: (AppEvent) -> Unit): View {
        val card = ui.card(ui.text(c.title, bold = true), ui.text(c.minutesLabel))
        if (c.stretchLabel.isNotEmpty()) card.addView(ui.muted(c.stretchLabel), ui.spaced(2))
        if (c.corridorLabel.isNotEmpty()) card.addView(ui.muted(c.corridorLabel), ui.spaced(2))
        if (c.streetsLabel.isNotEmpty()) card.addView(ui.text(c.streetsLabel, Ui.SMALL_SP), ui.spaced(2))
        for (n in c.notes) card.addView(ui.muted(n), ui.spaced(2))
        if (!c.selected) card.addView(ui.button(c.title, Ui.Style.Quiet) { send(AppEvent.SelectRoute(c.index)) }.apply { tag = "select-route-${c.index}" }, ui.spaced(6))
        card.tag = "route-${c.index}"
        return card
    }

    /** "08:30" / "8.30" / "0830" as minutes after midnight; null if it is not a time. */
    fun minuteOfDay(text: String): UInt? {
        val m = Regex("""^\s*(\d{1,2})[:.]?(\d{2})\s*$""").find(text) ?: return null
        val (h, min) = m.destructured
        val minutes = h.toInt() * 60 + min.toInt()
        return if (h.toInt() < 24 && min.toInt() < 60) minutes.toUInt() else null
    }
}
