//! Vector charts: incidents per period stacked by kind, and simple bar distributions.

use super::page::{Flow, Op, Rgb, BLACK, CONTENT_W, GREY, LIGHT, MARGIN};
use crate::insight::PeriodCount;
use crate::log::IncidentKind;

/// One distinct colour per kind, in IncidentKind::ALL order (threats and home in strong reds).
const PALETTE: [Rgb; 14] = [
    (31, 119, 180),  // followed
    (255, 127, 14),  // watching
    (214, 39, 40),   // turned up at home
    (148, 103, 189), // work
    (140, 86, 75),   // school
    (44, 160, 44),   // unwanted contact
    (227, 119, 194), // gifts
    (127, 39, 4),    // property damage
    (165, 0, 38),    // threats
    (188, 189, 34),  // contacting others
    (23, 190, 207),  // online accounts
    (82, 82, 82),    // impersonation
    (0, 68, 136),    // tracker
    (170, 170, 170), // other
];

pub(crate) fn kind_colour(kind: IncidentKind) -> Rgb {
    IncidentKind::ALL
        .iter()
        .position(|k| *k == kind)
        .map(|i| PALETTE[i])
        .unwrap_or(GREY)
}

const AXIS_W: f32 = 28.0;

fn text(flow: &mut Flow, x: f32, y: f32, size: f32, color: Rgb, s: &str) {
    let s = flow.fonts.regular.printable(s);
    flow.push(Op::Text {
        x,
        y,
        size,
        bold: false,
        color,
        text: s,
    });
}

/// A round-ish top for the y axis.
fn nice_max(max: u32) -> u32 {
    match max {
        0..=4 => 4,
        5..=10 => 10,
        n => n.div_ceil(5) * 5,
    }
}

fn y_axis(flow: &mut Flow, top: f32, height: f32, max: u32) {
    let x0 = MARGIN + AXIS_W;
    for tick in [0, max / 2, max] {
        let y = top + height - height * tick as f32 / max as f32;
        flow.push(Op::Line {
            x1: x0,
            y1: y,
            x2: MARGIN + CONTENT_W,
            y2: y,
            width: 0.3,
            color: LIGHT,
        });
        let label = tick.to_string();
        let w = flow.fonts.regular.width(&label, 7.0);
        text(flow, x0 - 4.0 - w, y + 2.5, 7.0, GREY, &label);
    }
}

/// Stacked bars, one per period, coloured by kind, with a legend of the kinds present.
pub(crate) fn timeline(flow: &mut Flow, periods: &[PeriodCount], height: f32) {
    if periods.is_empty() {
        return;
    }
    let present: Vec<IncidentKind> = IncidentKind::ALL
        .iter()
        .copied()
        .filter(|k| periods.iter().any(|p| p.by_kind.contains_key(k.as_str())))
        .collect();
    flow.ensure(height + 30.0 + 12.0 * (present.len() as f32 / 3.0).ceil());
    let top = flow.y + 4.0;
    let max = nice_max(periods.iter().map(|p| p.total).max().unwrap_or(0));
    y_axis(flow, top, height, max);
    let x0 = MARGIN + AXIS_W;
    let plot_w = CONTENT_W - AXIS_W;
    let slot = plot_w / periods.len() as f32;
    let bar_w = if slot > 3.0 { slot * 0.8 } else { slot };
    for (n, p) in periods.iter().enumerate() {
        let x = x0 + n as f32 * slot + (slot - bar_w) / 2.0;
        let mut y = top + height;
        for kind in &present {
            let c = p.by_kind.get(kind.as_str()).copied().unwrap_or(0);
            if c == 0 {
                continue;
            }
            let h = height * c as f32 / max as f32;
            y -= h;
            flow.push(Op::Rect {
                x,
                y,
                w: bar_w,
                h,
                color: kind_colour(*kind),
            });
        }
    }
    flow.push(Op::Line {
        x1: x0,
        y1: top + height,
        x2: x0 + plot_w,
        y2: top + height,
        width: 0.6,
        color: BLACK,
    });
    // About six labels along the bottom, so they never overlap.
    let every = periods.len().div_ceil(6).max(1);
    for (n, p) in periods.iter().enumerate().step_by(every) {
        let label = p.start.format("%-d %b %y").to_string();
        text(
            flow,
            x0 + n as f32 * slot,
            top + height + 10.0,
            7.0,
            GREY,
            &label,
        );
    }
    flow.y = top + height + 16.0;
    // Legend, three to a row.
    let col_w = CONTENT_W / 3.0;
    for (n, kind) in present.iter().enumerate() {
        if n % 3 == 0 {
            flow.y += 11.0;
        }
        let x = MARGIN + (n % 3) as f32 * col_w;
        flow.push(Op::Rect {
            x,
            y: flow.y - 7.0,
            w: 7.0,
            h: 7.0,
            color: kind_colour(*kind),
        });
        text(
            flow,
            x + 10.0,
            flow.y,
            8.0,
            BLACK,
            crate::insight::short_label(*kind),
        );
    }
    flow.y += 6.0;
}

/// Plain bars with a label under each (hours of the day, days of the week).
pub(crate) fn bars(flow: &mut Flow, values: &[u32], labels: &[String], height: f32, colour: Rgb) {
    if values.is_empty() {
        return;
    }
    flow.ensure(height + 20.0);
    let top = flow.y + 4.0;
    let max = nice_max(values.iter().copied().max().unwrap_or(0));
    y_axis(flow, top, height, max);
    let x0 = MARGIN + AXIS_W;
    let plot_w = CONTENT_W - AXIS_W;
    let slot = plot_w / values.len() as f32;
    for (n, v) in values.iter().enumerate() {
        let h = height * *v as f32 / max as f32;
        flow.push(Op::Rect {
            x: x0 + n as f32 * slot + slot * 0.1,
            y: top + height - h,
            w: slot * 0.8,
            h,
            color: colour,
        });
        if let Some(label) = labels.get(n).filter(|l| !l.is_empty()) {
            let w = flow.fonts.regular.width(label, 7.0);
            text(
                flow,
                x0 + n as f32 * slot + (slot - w) / 2.0,
                top + height + 10.0,
                7.0,
                GREY,
                label,
            );
        }
    }
    flow.push(Op::Line {
        x1: x0,
        y1: top + height,
        x2: x0 + plot_w,
        y2: top + height,
        width: 0.6,
        color: BLACK,
    });
    flow.y = top + height + 18.0;
}
