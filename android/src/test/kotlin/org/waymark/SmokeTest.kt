package org.waymark

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.waymark.ffi.waymarkVersion

class SmokeTest {
    @Test
    fun coreVersionComesFromRust() {
        assertEquals("0.1.0", waymarkVersion())
    }
}
