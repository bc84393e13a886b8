//! Charts drawn on the server as SVG: horizontal bars, one per row, each
//! labelled with its figure as the API shows it ("< 3" where a small count
//! is suppressed: no bar is drawn for it, so its size tells nothing). The
//! chart is an image with a text alternative; the table beside it holds
//! the same figures for screen readers, printing and copying.

use std::fmt::Write as _;

/// One bar: its label, its value (none when suppressed) and the figure
/// to print.
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) value: Option<f64>,
    pub(crate) display: String,
}

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 230.0;
const FIGURE_WIDTH: f64 = 60.0;
const ROW: f64 = 28.0;
const BAR: f64 = 18.0;

/// The bars as an SVG image titled `title` (its accessible name).
pub(crate) fn bars(id: &str, title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max);
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"grafico\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-t\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title>",
        escape(title)
    );
    let span = WIDTH - LABEL_WIDTH - FIGURE_WIDTH;
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let text_y = y + BAR - 4.0;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" class=\"etiqueta\">{}</text>",
            LABEL_WIDTH - 8.0,
            escape(&shorten(&bar.label, 30))
        );
        let length = match bar.value {
            Some(value) if max > 0.0 => (value / max * span).max(if value > 0.0 { 2.0 } else { 0.0 }),
            _ => 0.0,
        };
        if length > 0.0 {
            let _ = write!(
                svg,
                "<rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{length:.1}\" height=\"{BAR}\" class=\"barra\"/>"
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{text_y}\" class=\"cifra\">{}</text>",
            LABEL_WIDTH + length + 6.0,
            escape(&bar.display)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn shorten(label: &str, at: usize) -> String {
    if label.chars().count() <= at {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(at - 1).collect::<String>())
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_and_suppressed_ones_are_not_drawn() {
        let svg = bars(
            "g",
            "Solicitudes <por> mes",
            &[
                Bar { label: "enero".into(), value: Some(10.0), display: "10".into() },
                Bar { label: "febrero".into(), value: Some(5.0), display: "5".into() },
                Bar { label: "marzo".into(), value: None, display: "< 3".into() },
            ],
        );
        assert!(svg.contains("<title id=\"g-t\">Solicitudes &lt;por&gt; mes</title>"));
        assert_eq!(svg.matches("<rect").count(), 2, "no bar for the suppressed figure");
        assert!(svg.contains("width=\"350.0\"") && svg.contains("width=\"175.0\""), "{svg}");
        assert!(svg.contains(">&lt; 3</text>"));
    }
}
