//! One column that fits: on a 320-px phone and at 200 % zoom no page or
//! state scrolls sideways (`scrollWidth` of the document within its
//! `clientWidth`). 200 % zoom is a 640 × 400 window with Chrome's
//! `--force-device-scale-factor=2`: what a 1280 × 800 screen shows at
//! 200 % (640 CSS pixels across, `devicePixelRatio` 2), not CSS `zoom`.

use browser::Options;
use db::Database;
use serde_json::json;

use super::Page;
use super::officer::Officer;
use super::tour::{Visit, tour};
use crate::app::TestApp;
use crate::support::on_both_databases;

on_both_databases!(no_page_scrolls_sideways_at_320_px_or_at_200_percent_zoom);

/// The document's width against the window's, and what sticks out (a
/// table that scrolls inside its own region does not count).
pub(crate) const SIDEWAYS: &str = "const d = document.documentElement;
     const out = [...document.querySelectorAll('body *')]
       .filter(e => !e.closest('.tabla-desplazable') && e.getBoundingClientRect().right > d.clientWidth + 0.5)
       .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
     return [d.scrollWidth, d.clientWidth, out];";

struct Fits {
    width: u64,
    checked: Vec<&'static str>,
    /// Each state that scrolls sideways, with what sticks out.
    overflowing: Vec<String>,
}

impl Visit for Fits {
    async fn at(&mut self, page: &Page, state: &'static str) {
        let measured = page.js(SIDEWAYS).await;
        let (scroll, client) = (measured[0].as_u64().unwrap(), measured[1].as_u64().unwrap());
        assert_eq!(client, self.width, "{state}: the viewport is {} CSS pixels wide", self.width);
        if scroll > client {
            self.overflowing.push(format!("{state}: scrollWidth {scroll} > {client}, sticking out: {}", measured[2]));
        }
        self.checked.push(state);
        if self.width == 640 {
            page.shot(&format!("zoom200-{state}")).await;
        }
    }
}

async fn no_page_scrolls_sideways_at_320_px_or_at_200_percent_zoom(db: Database) {
    let app = TestApp::spawn(db).await;
    let officer = Officer::new(&app).await;
    let mut failures = Vec::new();
    for (options, width, what) in
        [(Options::phone().size(320, 640), 320, "320 px"), (Options::zoomed(640, 400, 2.0), 640, "200 % zoom")]
    {
        let page = Page::open(&app, options).await;
        if width == 640 {
            let ratio = page.js("return window.devicePixelRatio;").await;
            assert_eq!(ratio, json!(2), "200 % zoom: two device pixels per CSS pixel");
        }
        let mut fits = Fits { width, checked: Vec::new(), overflowing: Vec::new() };
        tour(&page, &officer, "", &mut fits).await;
        page.close().await;
        println!("{what}: {} states checked for sideways scrolling: {:?}", fits.checked.len(), fits.checked);
        assert_eq!(fits.checked.len(), 18, "every state was checked at {what}");
        failures.extend(fits.overflowing.into_iter().map(|f| format!("{what}: {f}")));
    }
    assert!(failures.is_empty(), "pages scroll sideways:\n{}", failures.join("\n"));
}
