package org.waymark.android.app

import android.content.Context
import android.content.res.ColorStateList
import android.graphics.Typeface
import android.graphics.drawable.GradientDrawable
import android.graphics.drawable.RippleDrawable
import android.util.TypedValue
import android.view.Gravity
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView
import org.waymark.R

/**
 * The building blocks every screen is drawn with: text at readable sizes (body 16 sp, never
 * under 14 sp), buttons at least 48 dp tall, colours from the theme (values/ and values-night/,
 * all text pairs WCAG AA). Layout only: every word comes from the view model.
 */
class Ui(val context: Context) {
    enum class Style { Primary, Secondary, Danger, Quiet }

    fun dp(v: Int): Int = TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_DIP, v.toFloat(), context.resources.displayMetrics).toInt()
    fun color(id: Int): Int = context.resources.getColor(id, context.theme)

    fun text(s: String, sp: Float = BODY_SP, colour: Int = R.color.on_background, bold: Boolean = false): TextView =
        TextView(context).apply {
            text = s
            setTextSize(TypedValue.COMPLEX_UNIT_SP, sp)
            setTextColor(color(colour))
            if (bold) typeface = Typeface.DEFAULT_BOLD
            setLineSpacing(0f, 1.15f)
        }

    fun heading(s: String): TextView = text(s, HEADING_SP, bold = true).apply {
        isAccessibilityHeading = true
    }

    fun subheading(s: String): TextView = text(s, SUBHEADING_SP, bold = true).apply {
        isAccessibilityHeading = true
        setPadding(0, dp(16), 0, dp(4))
    }

    fun muted(s: String): TextView = text(s, SMALL_SP, R.color.muted)

    fun button(label: String, style: Style = Style.Primary, onClick: () -> Unit): Button =
        Button(context).apply {
            text = label
            isAllCaps = false
            setTextSize(TypedValue.COMPLEX_UNIT_SP, BODY_SP)
            typeface = Typeface.DEFAULT_BOLD
            minHeight = dp(MIN_TOUCH_DP)
            minimumHeight = dp(MIN_TOUCH_DP)
            minWidth = dp(MIN_TOUCH_DP)
            minimumWidth = dp(MIN_TOUCH_DP)
            stateListAnimator = null
            setPadding(dp(16), dp(8), dp(16), dp(8))
            restyle(this, style)
            setOnClickListener { onClick() }
        }

    /** A button's colours for [style] (a choice among buttons changes style when picked). */
    fun restyle(b: Button, style: Style) {
        val (bg, fg) = when (style) {
            Style.Primary -> R.color.primary to R.color.on_primary
            Style.Secondary -> R.color.surface_variant to R.color.on_background
            Style.Danger -> R.color.danger to R.color.on_danger
            Style.Quiet -> R.color.background to R.color.primary
        }
        b.setTextColor(color(fg))
        b.background = RippleDrawable(
            ColorStateList.valueOf(color(R.color.outline)),
            rounded(color(bg), if (style == Style.Quiet) color(R.color.outline) else null),
            null,
        )
    }

    fun rounded(fill: Int, stroke: Int? = null, radiusDp: Int = 12): GradientDrawable = GradientDrawable().apply {
        cornerRadius = dp(radiusDp).toFloat()
        setColor(fill)
        if (stroke != null) setStroke(dp(1), stroke)
    }

    fun column(padding: Int = 0, spacing: Int = 8, vararg children: View): LinearLayout =
        LinearLayout(context).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(dp(padding), dp(padding), dp(padding), dp(padding))
            for (c in children) addView(c, spaced(spacing))
        }

    fun row(vararg children: View, weights: Boolean = true): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.HORIZONTAL
        gravity = Gravity.CENTER_VERTICAL
        for ((i, c) in children.withIndex()) {
            val lp = if (weights) LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f)
            else LinearLayout.LayoutParams(ViewGroup.LayoutParams.WRAP_CONTENT, ViewGroup.LayoutParams.WRAP_CONTENT)
            if (i > 0) lp.marginStart = dp(8)
            addView(c, lp)
        }
    }

    fun spaced(spacing: Int): LinearLayout.LayoutParams =
        LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT).apply {
            topMargin = dp(spacing)
        }

    /** A card: a surface with rounded corners around its children. */
    fun card(vararg children: View): LinearLayout = column(16, 6, *children).apply {
        background = rounded(color(R.color.surface), color(R.color.surface_variant))
    }

    companion object {
        const val BODY_SP = 16f
        const val SMALL_SP = 14f
        const val SUBHEADING_SP = 18f
        const val HEADING_SP = 24f
        const val MIN_TOUCH_DP = 48
    }
}
