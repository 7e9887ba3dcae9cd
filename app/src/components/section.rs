//! A page section: a heading and its content, labelled by the heading for screen readers.

use leptos::prelude::*;

/// `<section aria-labelledby=id><h2 id=id>title</h2>…</section>`, the shape of every
/// section of the Title and Trends pages.
#[component]
pub fn Section(
    /// Id of the heading (tests and in-page links use it).
    id: &'static str,
    /// The heading text.
    #[prop(into)]
    title: String,
    children: Children,
) -> impl IntoView {
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {children()}
        </section>
    }
}
