package org.waymark

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.waymark.ffi.HelpKind
import org.waymark.ffi.WaymarkException
import org.waymark.ffi.helpDirectory
import org.waymark.ffi.helpRegions

/** Help numbers without a vault: what the lock screen shows before anyone unlocks. */
class HelpDirectoryTest {
    @Test
    fun everyRegionHasAnEmergencyNumberAndDialableDigits() {
        val regions = helpRegions()
        assertTrue(regions.containsAll(listOf("GB", "IE", "US")), "$regions")
        for (code in regions) {
            val region = helpDirectory(code)
            assertEquals(code, region.code)
            assertTrue(region.emergencyNumber.all { it.isDigit() } && region.emergencyNumber.isNotEmpty())
            assertTrue(region.entries.isNotEmpty(), "$code has numbers")
            for (e in region.entries) {
                assertTrue(e.dial.isNotEmpty() && e.dial.all { it.isDigit() }, "${e.name}: '${e.dial}' goes to the dialler as digits")
                // "112 or 999" dials the first; otherwise the digits as written.
                assertTrue(e.number.filter { it.isDigit() }.startsWith(e.dial), "${e.name}: ${e.number} dials ${e.dial}")
            }
        }
    }

    @Test
    fun theUkDirectoryAsALockedPhoneShowsIt() {
        val uk = helpDirectory("uk")
        assertEquals("GB", uk.code, "'UK' is accepted for GB")
        assertEquals("999", uk.emergencyNumber)
        assertTrue(uk.silentCallHint!!.contains("55"), uk.silentCallHint)
        val emergency = uk.entries.filter { it.kind == HelpKind.EMERGENCY }
        assertTrue(emergency.any { it.dial == "999" })
        assertTrue(uk.entries.any { it.kind == HelpKind.HELPLINE && it.dial == "08088020300" }, "the National Stalking Helpline")
        assertEquals(null, helpDirectory("IE").silentCallHint)

        val bad = assertThrows<WaymarkException.InvalidInput> { helpDirectory("Atlantis") }
        assertEquals("region", bad.field)
        assertTrue(bad.reason.contains("GB"), "says which regions there are: ${bad.reason}")
    }
}
