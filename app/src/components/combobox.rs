//! The search box: an ARIA 1.2 combobox over titles and (optionally) people.
//!
//! Arrow keys move through the options, Enter picks, Escape closes (or clears when
//! already closed). Picking a person lists that person's titles in the same box.

use engine::search::Hit;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::ui::use_data;

/// Maximum options shown at once.
const LIMIT: usize = 10;

#[derive(Clone, PartialEq)]
struct Opt {
    hit: Hit,
    label: String,
    sub: String,
}

/// A search box whose options are titles (and people, when `people` is set).
#[component]
pub fn SearchBox(
    /// Id of the input (the listbox is `{id}-list`).
    #[prop(into)]
    id: String,
    /// Visible label.
    #[prop(into)]
    label: String,
    /// Called with the picked title's index.
    on_pick: Callback<usize>,
    /// Also offer people; picking one lists their titles.
    #[prop(default = true)]
    people: bool,
) -> impl IntoView {
    let data = use_data();
    let text = RwSignal::new(String::new());
    let person = RwSignal::new(None::<u32>);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let list_id = format!("{id}-list");

    let d = data.clone();
    let options = Memo::new(move |_| {
        let cat = d.catalog();
        // A title known only from the Top 10 says so before it is picked: it cannot seed
        // recommendations of its own.
        let describe = |i: usize| {
            let line = crate::ui::meta_line(&d, i);
            if cat.titles.get(i).is_some_and(|t| t.trend_only) {
                format!("{line} · in the Top 10, no details yet")
            } else {
                line
            }
        };
        if let Some(p) = person.get() {
            // The person's titles, most voted first.
            let mut ts: Vec<usize> = cat
                .titles
                .iter()
                .enumerate()
                .filter(|(_, t)| t.cast.contains(&p) || t.directors.contains(&p))
                .map(|(i, _)| i)
                .collect();
            ts.sort_by_key(|&i| std::cmp::Reverse(cat.titles[i].imdb_votes.unwrap_or(0)));
            return ts
                .into_iter()
                .take(LIMIT * 2)
                .map(|i| Opt {
                    hit: Hit::Title(i),
                    label: cat.titles[i].title.clone(),
                    sub: describe(i),
                })
                .collect::<Vec<_>>();
        }
        let q = text.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let hits: Vec<Hit> = if people {
            d.search()
                .search(&q, LIMIT)
                .into_iter()
                .map(|s| s.hit)
                .collect()
        } else {
            d.search()
                .titles(&q, LIMIT)
                .into_iter()
                .map(|(i, _)| Hit::Title(i))
                .collect()
        };
        hits.into_iter()
            .filter_map(|hit| match hit {
                Hit::Title(i) => cat.titles.get(i).map(|t| Opt {
                    hit,
                    label: t.title.clone(),
                    sub: describe(i),
                }),
                Hit::Person(p) => cat.people.get(p as usize).map(|name| Opt {
                    hit,
                    label: name.clone(),
                    sub: "Person: show their titles".into(),
                }),
            })
            .collect()
    });

    let pick = move |o: &Opt| match o.hit {
        Hit::Title(i) => {
            on_pick.run(i);
            text.set(String::new());
            person.set(None);
            open.set(false);
            active.set(None);
        }
        Hit::Person(p) => {
            person.set(Some(p));
            text.set(o.label.clone());
            open.set(true);
            active.set(Some(0));
        }
    };

    let on_key = move |ev: KeyboardEvent| {
        let n = options.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                open.set(true);
                if n > 0 {
                    active.update(|a| *a = Some(a.map_or(0, |x| (x + 1) % n)));
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                open.set(true);
                if n > 0 {
                    active.update(|a| *a = Some(a.map_or(n - 1, |x| (x + n - 1) % n)));
                }
            }
            "Enter" if open.get_untracked() && n > 0 => {
                ev.prevent_default();
                let i = active.get_untracked().unwrap_or(0).min(n - 1);
                if let Some(o) = options.with_untracked(|v| v.get(i).cloned()) {
                    pick(&o);
                }
            }
            "Escape" => {
                if open.get_untracked() && n > 0 {
                    open.set(false);
                    active.set(None);
                } else {
                    text.set(String::new());
                    person.set(None);
                }
            }
            _ => {}
        }
    };

    let expanded = move || open.get() && options.with(|o| !o.is_empty());
    let opt_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-opt-{i}")
    };
    let opt_id2 = opt_id.clone();
    let list_id2 = list_id.clone();
    view! {
        <div class="combo">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="text" role="combobox" autocomplete="off" spellcheck="false"
                placeholder="Try “strnger thngs”, “amelie” or an actor"
                aria-autocomplete="list" aria-controls=list_id.clone()
                aria-expanded=move || expanded().to_string()
                aria-activedescendant=move || if expanded() { active.get().map(&opt_id) } else { None }
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    person.set(None);
                    open.set(true);
                    active.set(None);
                }
                on:keydown=on_key
                on:blur=move |_| open.set(false)
                on:focus=move |_| open.set(true) />
            <ul id=list_id2 role="listbox" aria-label="Matches" class="listbox" hidden=move || !expanded()>
                {move || options.get().into_iter().enumerate().map(|(i, o)| {
                    let o2 = o.clone();
                    let is_active = move || active.get() == Some(i);
                    view! {
                        <li id=opt_id2(i) role="option" class="option" class:active=is_active
                            aria-selected=move || is_active().to_string()
                            // mousedown, not click: it fires before the input's blur closes the list.
                            on:mousedown=move |ev| { ev.prevent_default(); pick(&o2); }>
                            <span class="opt-label">{o.label}</span>
                            <span class="opt-sub">{o.sub}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="sr-only" role="status" aria-live="polite">
                {move || {
                    let n = options.with(Vec::len);
                    if text.with(|t| t.trim().is_empty()) { String::new() }
                    else if n == 0 { "No matches".to_string() }
                    else { format!("{n} matches, use up and down arrows to choose") }
                }}
            </p>
        </div>
    }
}
