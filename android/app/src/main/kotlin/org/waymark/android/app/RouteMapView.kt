package org.waymark.android.app

import android.content.Context
import android.graphics.Canvas
import android.graphics.Paint
import android.graphics.Path
import android.view.View
import org.waymark.R
import org.waymark.app.model.RouteDrawing

/**
 * The routes drawn as lines over the streets around them, from the map in the vault (no tiles,
 * nothing fetched): streets thin and grey, the other routes in the primary colour, the chosen
 * one thick. Longitude is scaled by cos(latitude) so the streets keep their shape.
 */
class RouteMapView(context: Context, private val drawing: RouteDrawing, private val ui: Ui) : View(context) {
    private val streetPaint = Paint(Paint.ANTI_ALIAS_FLAG).apply {
        style = Paint.Style.STROKE
        color = ui.color(R.color.outline)
        strokeWidth = ui.dp(1).toFloat()
    }
    private val routePaint = Paint(Paint.ANTI_ALIAS_FLAG).apply {
        style = Paint.Style.STROKE
        strokeCap = Paint.Cap.ROUND
        strokeJoin = Paint.Join.ROUND
    }

    init {
        contentDescription = drawing.attribution
        setBackgroundColor(ui.color(R.color.surface))
    }

    override fun onMeasure(widthMeasureSpec: Int, heightMeasureSpec: Int) {
        val w = MeasureSpec.getSize(widthMeasureSpec)
        setMeasuredDimension(w, (w * 3) / 4)
    }

    override fun onDraw(canvas: Canvas) {
        super.onDraw(canvas)
        if (drawing.bbox.size != 4) return
        val (minLon, minLat, maxLon, maxLat) = drawing.bbox
        val k = Math.cos(Math.toRadians((minLat + maxLat) / 2))
        val spanX = (maxLon - minLon) * k
        val spanY = maxLat - minLat
        if (spanX <= 0 || spanY <= 0) return
        val pad = ui.dp(8).toFloat()
        val scale = minOf((width - 2 * pad) / spanX, (height - 2 * pad) / spanY)
        val offX = (width - spanX * scale) / 2
        val offY = (height - spanY * scale) / 2
        fun path(points: List<List<Double>>): Path = Path().apply {
            points.forEachIndexed { i, p ->
                if (p.size < 2) return@forEachIndexed
                val x = (offX + (p[0] - minLon) * k * scale).toFloat()
                val y = (height - offY - (p[1] - minLat) * scale).toFloat()
                if (i == 0) moveTo(x, y) else lineTo(x, y)
            }
        }
        for (s in drawing.streets) canvas.drawPath(path(s.points), streetPaint)
        // The chosen route last, on top.
        for (r in drawing.routes.sortedBy { it.selected }) {
            routePaint.color = ui.color(if (r.selected) R.color.danger else R.color.primary)
            routePaint.strokeWidth = ui.dp(if (r.selected) 5 else 3).toFloat()
            canvas.drawPath(path(r.points), routePaint)
        }
    }
}
