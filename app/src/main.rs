//! Browser entry point: installs the panic hook and mounts the app.

fn main() {
    console_error_panic_hook::set_once();
    // index.html paints a header and a loading skeleton before the wasm runs; the app
    // brings its own (mount_to_body appends), so the static one goes first.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
