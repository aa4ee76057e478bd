package org.waymark

import java.time.Instant
import java.time.LocalDate
import kotlin.math.cos
import kotlin.math.hypot
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.AvoidOptions
import org.waymark.ffi.CancelHandle
import org.waymark.ffi.PlanRequest
import org.waymark.ffi.ProgressStage
import org.waymark.ffi.SavedPlace
import org.waymark.ffi.TravelProfile
import org.waymark.ffi.WaymarkException
import org.waymark.ffi.mapAttribution

/** Maps, saved places, routes and plans on the bundled map of central Helsinki. */
class RoutesTest {
    // The bundled extract's bounds, from core/data/NOTICE.md.
    private val lonRange = 24.9352..24.9534
    private val latRange = 60.1642..60.1791

    /** Metres between two points (equirectangular: fine over a kilometre or two). */
    private fun metres(lat1: Double, lon1: Double, lat2: Double, lon2: Double): Double {
        val k = 111_320.0
        return hypot((lat2 - lat1) * k, (lon2 - lon1) * k * cos(Math.toRadians((lat1 + lat2) / 2)))
    }

    @Test
    fun routesBetweenTwoSavedPlacesOnTheBundledMap() {
        val routes = newVault().vault.routes()
        val info = routes.mapInfo()
        assertFalse(info.imported, "the bundled sample map until one is imported")
        assertEquals(mapAttribution(), info.attribution)
        assertTrue(info.attribution.contains("OpenStreetMap"))
        assertTrue(info.widthKm in 0.5..2.0 && info.heightKm in 1.0..2.5, "${info.widthKm} × ${info.heightKm} km")

        routes.addPlace("Home", 60.1690, 24.9400)
        routes.addPlace("Praca – biuro", 60.1760, 24.9480)
        assertEquals(
            listOf(SavedPlace("Home", 60.1690, 24.9400), SavedPlace("Praca – biuro", 60.1760, 24.9480)),
            routes.places().sortedBy { it.lat },
        )
        assertThrows<WaymarkException.InvalidInput> { routes.addPlace("Nowhere", Double.NaN, 24.94) }

        val found = routes.routes("home", "praca – biuro", TravelProfile.FOOT, 3u, AvoidOptions())
        assertTrue(found.isNotEmpty() && found.size <= 3, "${found.size} routes")
        assertEquals(0.0, found[0].extraS, "the fastest comes first")
        for (r in found) {
            assertEquals(TravelProfile.FOOT, r.profile)
            assertTrue(r.geometry.size >= 2)
            for (point in r.geometry) {
                assertEquals(2, point.size)
                val (lon, lat) = point
                assertTrue(lon in lonRange && lat in latRange, "[lon, lat] = $point is outside the map")
            }
            val (startLon, startLat) = r.geometry.first()
            val (endLon, endLat) = r.geometry.last()
            assertTrue(metres(startLat, startLon, 60.1690, 24.9400) < 250.0, "starts at Home")
            assertTrue(metres(endLat, endLon, 60.1760, 24.9480) < 250.0, "ends at work")
            // About 0.9 km as the crow flies; on foot at least that, and a sensible walking pace.
            assertTrue(r.lengthM > 850.0 && r.lengthM < 3000.0, "${r.lengthM} m")
            val pace = r.lengthM / r.durationS
            assertTrue(pace in 0.8..2.0, "$pace m/s on foot")
            assertTrue(r.extraS >= 0.0 && r.sharedWithEarlier in 0.0..1.0)
            assertTrue(r.streetNames.all { it.isNotBlank() })
        }
        assertTrue(found.any { it.streetNames.isNotEmpty() }, "routes are described by their streets")
        val unknown = assertThrows<WaymarkException.InvalidInput> {
            routes.routes("home", "the moon", TravelProfile.FOOT, 3u, AvoidOptions())
        }
        assertFalse(unknown.reason.contains("the moon"), "the place typed is not echoed back")

        routes.removePlace("Praca – biuro")
        assertEquals(listOf("Home"), routes.places().map { it.name })
    }

    @Test
    fun aPlanWithItsPredictabilityFigures() {
        val routes = newVault().vault.routes()
        routes.addPlace("Home", 60.1690, 24.9400)
        routes.addPlace("Work", 60.1760, 24.9480)
        val monday = Instant.parse("2026-06-01T00:00:00Z")
        val plan = routes.plan(
            PlanRequest(
                from = "Home", to = "Work", profile = TravelProfile.FOOT, firstDay = monday,
                utcOffsetMinutes = 180, days = 5u, arriveByMinute = 9u * 60u, extraMinutes = 15u,
                watcherWaitMinutes = 10u, avoid = AvoidOptions(),
            ),
        )
        assertEquals(
            (0L until 5L).map { LocalDate.of(2026, 6, 1).plusDays(it).toString() },
            plan.trips.map { it.date },
        )
        assertEquals(listOf("Monday", "Tuesday", "Wednesday", "Thursday", "Friday").map { it.take(3) }, plan.trips.map { it.weekday.take(3) })
        for (t in plan.trips) {
            assertTrue(t.arrive <= "09:00", "arrives by 09:00, not ${t.arrive}")
            assertTrue(t.depart < t.arrive)
            assertTrue(t.route.toInt() in plan.routes.indices)
        }
        val q = plan.predictability
        assertTrue(q.choices >= 2uL, "${q.choices} choices")
        assertTrue(q.routeBestGuess > 0.0 && q.routeBestGuess <= 1.0)
        assertTrue(q.tripBestGuess <= q.routeBestGuess && q.tripBestGuess <= q.departureBestGuess)
        assertTrue(q.tripMinEntropyBits > 0.0, "some uncertainty for a watcher")
        assertEquals(10u, q.watcherWaitMinutes)
        assertTrue(q.watcherSeesDeparture in 0.0..1.0 && q.watcherSeesArrival in 0.0..1.0)
        assertTrue(q.predictors.isNotEmpty() && q.predictors.all { it.hitRate in 0.0..1.0 })
        assertTrue(plan.attribution.contains("OpenStreetMap"))

        val kept = routes.latestPlan()!!
        assertEquals(plan.trips, kept.trips, "kept in the vault")
        assertThrows<WaymarkException.InvalidInput> {
            routes.plan(PlanRequest(from = "Home", to = "Work", profile = TravelProfile.FOOT, firstDay = monday, arriveByMinute = 1440u, avoid = AvoidOptions()))
        }
    }

    @Test
    fun importTheBundledMapWithProgressAndCancelHalfWay() {
        val clock = TestClock()
        val routes = newVault(clock).vault.routes()
        val file = bundledMap().toString()

        // Cancelled half-way: Cancelled, and the bundled map stays.
        val cancel = CancelHandle()
        val half = ProgressRecorder(cancelAt = 0.5, cancel = cancel)
        assertThrows<WaymarkException.Cancelled> { routes.importMap(file, half, cancel) }
        assertTrue(cancel.isCancelled())
        assertFalse(routes.mapInfo().imported, "a cancelled import changes nothing")

        // A progress view that throws does not stop the import.
        val progress = ProgressRecorder(throwEachTime = true)
        val report = routes.importMap(file, progress, null)
        assertTrue(report.footKm > 50.0, "${report.footKm} km to walk")
        assertTrue(report.missingNodeRefs > 0uL, "the extract is clipped: ways run off its edge")
        val fractions = progress.fractions()
        assertTrue(fractions.size >= 3, "$fractions")
        assertTrue(fractions.zipWithNext().all { (a, b) -> b >= a }, "never goes back: $fractions")
        assertTrue(fractions.all { it in 0.0..1.0 })
        assertEquals(ProgressStage.SAVING_MAP to 1.0, progress.seen().last())
        assertTrue(progress.seen().any { it.first == ProgressStage.READING_MAP })

        val info = routes.mapInfo()
        assertTrue(info.imported)
        assertEquals(clock.now, info.importedAt)
        assertEquals(report.nodes, info.nodes)
        assertThrows<WaymarkException.InvalidInput> { routes.importMap("", null, null) }
        routes.forgetMap()
        assertFalse(routes.mapInfo().imported)
    }
}
