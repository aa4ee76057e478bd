package org.waymark.app

/**
 * What the app hands to the phone's own dialler in an emergency. Apps may not place a 999 call
 * themselves (Android refuses ACTION_CALL to emergency numbers), and the built-in dialler also
 * sends the caller's location to the emergency service (Advanced Mobile Location).
 */
data class DialRequest(val number: String) {
    /** The `tel:` URI for Intent.ACTION_DIAL. */
    val uri: String get() = "tel:$number"
}

object EmergencyCall {
    /** UK default; 112 also works. Configurable per region. */
    const val UK_EMERGENCY = "999"
    const val UK_POLICE_NON_EMERGENCY = "101"
    const val NATIONAL_STALKING_HELPLINE = "08088020300"

    /** Shown next to the button: what to do if speaking is not safe. */
    const val SILENT_SOLUTION_HINT =
        "If you cannot speak, stay on the line and press 55 when asked. The operator will know you need help."

    /**
     * A dial request for [number]. Only digits, `+`, `*` and `#` are accepted (spaces and
     * dashes are dropped), so nothing else can be smuggled into the `tel:` URI.
     */
    fun dialRequest(number: String = UK_EMERGENCY): DialRequest {
        val cleaned = number.filterNot { it == ' ' || it == '-' }
        require(cleaned.isNotEmpty() && cleaned.length <= 20) { "a phone number has 1 to 20 digits" }
        require(cleaned.all { it.isDigit() || it == '+' || it == '*' || it == '#' }) {
            "a phone number may contain only digits, +, * and #"
        }
        return DialRequest(cleaned)
    }
}
