//! ECharts through charming's wasm renderer, in the dark theme, disposed on unmount. The
//! ECharts script itself is loaded on first use.
//!
//! charming 0.6 has no `dispose`, so a remounted component would stack a second chart on
//! the same element; we dispose through `echarts.getInstanceByDom(el)` ourselves.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use charming::theme::Theme;
use charming::{Chart as CChart, WasmRenderer};
use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// Disposes the ECharts instance on `el`, if any.
fn dispose(el: &web_sys::Element) {
    let Some(w) = web_sys::window() else { return };
    let Ok(echarts) = js_sys::Reflect::get(&w, &JsValue::from_str("echarts")) else {
        return;
    };
    let call = |obj: &JsValue, name: &str, args: &js_sys::Array| -> Option<JsValue> {
        let f = js_sys::Reflect::get(obj, &JsValue::from_str(name)).ok()?;
        let f: &js_sys::Function = wasm_bindgen::JsCast::dyn_ref(&f)?;
        f.apply(obj, args).ok()
    };
    if let Some(inst) = call(&echarts, "getInstanceByDom", &js_sys::Array::of1(el)) {
        if !inst.is_undefined() && !inst.is_null() {
            let _ = call(&inst, "dispose", &js_sys::Array::new());
        }
    }
}

/// Whether the ECharts script has run (`window.echarts` exists).
fn echarts_loaded() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("echarts")).ok())
        .is_some_and(|v| !v.is_undefined())
}

/// Where the ECharts script is: not requested, on its way, there, or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Load {
    Idle,
    Loading,
    Ready,
    Failed,
}

thread_local! {
    /// One load state for the page. Reference-counted, not arena-owned: created inside a
    /// chart's effect, an arena signal would be disposed with that effect's owner.
    static ECHARTS: ArcRwSignal<Load> = ArcRwSignal::new(Load::Idle);
}

/// ECharts' load state, starting the download on first use. ECharts is ~270 KB brotli and
/// ~1 MB of JS to parse; only the title, trends and data pages draw charts, so Discover
/// (the page a shared link opens) loads without it. The file is a sibling of index.html
/// (served by the site, cached by the service worker for offline use).
fn echarts_state() -> ArcRwSignal<Load> {
    let state = ECHARTS.with(|s| s.clone());
    if state.get_untracked() != Load::Idle {
        return state;
    }
    if echarts_loaded() {
        state.set(Load::Ready);
        return state;
    }
    let script = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| Some((d.create_element("script").ok()?, d.head()?)));
    let Some((script, head)) = script else {
        state.set(Load::Failed);
        return state;
    };
    let (ok, failed) = (state.clone(), state.clone());
    let on_load = Closure::once_into_js(move || ok.set(Load::Ready));
    let on_error = Closure::once_into_js(move || failed.set(Load::Failed));
    let _ = script.set_attribute("src", "echarts.min.js");
    let _ = script.add_event_listener_with_callback("load", on_load.unchecked_ref());
    let _ = script.add_event_listener_with_callback("error", on_error.unchecked_ref());
    state.set(Load::Loading);
    if head.append_child(&script).is_err() {
        state.set(Load::Failed);
    }
    state
}

/// A chart that re-renders when the signals read by `option` change.
#[component]
pub fn Chart(
    /// Builds the chart; reactive reads inside re-render it.
    option: impl Fn() -> CChart + Send + Sync + 'static,
    /// Height in pixels (the width follows the container).
    #[prop(default = 320)]
    height: u32,
    /// Accessible description of what the chart shows.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let id = format!("chart-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let node: NodeRef<Div> = NodeRef::new();
    // A plain shared cell, not a StoredValue: cleanup may run after the owner's values are gone.
    let rendered: Arc<Mutex<Option<SendWrapper<web_sys::Element>>>> = Arc::default();
    let rendered_fx = rendered.clone();
    let error = RwSignal::new(None::<String>);
    let id_fx = id.clone();
    Effect::new(move |_| {
        let chart = option().background_color("transparent").animation(false);
        let Some(el) = node.get() else { return };
        match echarts_state().get() {
            Load::Ready => error.set(None),
            Load::Failed => {
                error.set(Some(
                    "Charts are unavailable: echarts.min.js did not load.".into(),
                ));
                return;
            }
            // Runs again when the script arrives (the state is a signal read here).
            Load::Idle | Load::Loading => return,
        }
        let el: web_sys::Element = el.into();
        // Re-rendering replaces the option wholesale, so start from a fresh instance.
        dispose(&el);
        match WasmRenderer::new_opt(None, Some(height))
            .theme(Theme::Dark)
            .render(&id_fx, &chart)
        {
            Ok(_) => {
                if let Ok(mut r) = rendered_fx.lock() {
                    *r = Some(SendWrapper::new(el));
                }
            }
            Err(e) => error.set(Some(format!("Chart failed: {e:?}"))),
        }
    });
    on_cleanup(move || {
        if let Ok(mut r) = rendered.lock() {
            if let Some(el) = r.take() {
                if el.valid() {
                    dispose(&el);
                }
            }
        }
    });
    view! {
        <figure class="chart">
            <div id=id node_ref=node role="img" aria-label=label.clone()
                style=format!("height:{height}px;width:100%")></div>
            {move || error.get().map(|e| view! { <figcaption class="error">{e}</figcaption> })}
        </figure>
    }
}

/// Chart builders shared by the pages: axis tooltips, a scrolling legend at the bottom and
/// labels that fit inside the grid.
pub mod build {
    use charming::component::{Axis, Grid, Legend, LegendType};
    use charming::datatype::CompositeValue;
    use charming::element::{AxisType, Tooltip, Trigger};
    use charming::series::{Bar, Line, Scatter};
    use charming::Chart;

    /// A value or a gap (`-` is ECharts' "no data" marker).
    pub fn gap(v: Option<f64>) -> CompositeValue {
        match v {
            Some(x) => CompositeValue::from(x),
            None => CompositeValue::from("-"),
        }
    }

    /// Empty chart with tooltip, legend and grid set up.
    pub fn base(trigger: Trigger) -> Chart {
        Chart::new()
            .tooltip(Tooltip::new().trigger(trigger))
            .legend(Legend::new().type_(LegendType::Scroll).bottom(0))
            .grid(
                Grid::new()
                    .left(8)
                    .right(16)
                    .top(36)
                    .bottom(40)
                    .contain_label(true),
            )
    }

    /// One line per series over categorical x values (gaps allowed).
    pub fn lines(
        x: Vec<String>,
        y_name: &str,
        inverse: bool,
        series: Vec<(String, Vec<CompositeValue>)>,
    ) -> Chart {
        let mut y = Axis::new()
            .type_(AxisType::Value)
            .name(y_name)
            .inverse(inverse);
        if inverse {
            // Ranks: 1 at the top, whole numbers only; the axis name stays at the top
            // (an inverted axis would put it under the x labels).
            y = y
                .min(1)
                .max(10)
                .interval(1.0)
                .name_location(charming::element::NameLocation::Start)
                // Left-aligned from the axis: centred, a long name is cut at the edge.
                .name_text_style(charming::element::TextStyle::new().align("left"));
        }
        let mut c = base(Trigger::Axis)
            .x_axis(Axis::new().type_(AxisType::Category).data(x))
            .y_axis(y);
        for (name, data) in series {
            let points = data.iter().filter(|v| !is_gap(v)).count();
            c = if points <= 2 {
                // One or two weeks make no trend: dots, not a line that suggests one.
                c.series(Scatter::new().name(name).symbol_size(12).data(data))
            } else {
                // A week out of the Top 10 is a gap in the data, not a break in the run.
                c.series(
                    Line::new()
                        .name(name)
                        .data(data)
                        .connect_nulls(true)
                        .show_symbol(true),
                )
            };
        }
        c
    }

    /// Whether a value is [`gap`]'s "no data" marker.
    fn is_gap(v: &CompositeValue) -> bool {
        matches!(v, CompositeValue::String(s) if s == "-")
    }

    /// Vertical bars, one series per entry, over categorical x values.
    pub fn bars(x: Vec<String>, y_name: &str, series: Vec<(String, Vec<CompositeValue>)>) -> Chart {
        let mut c = base(Trigger::Axis)
            .x_axis(Axis::new().type_(AxisType::Category).data(x))
            .y_axis(Axis::new().type_(AxisType::Value).name(y_name));
        for (name, data) in series {
            c = c.series(Bar::new().name(name).data(data));
        }
        c
    }
}
