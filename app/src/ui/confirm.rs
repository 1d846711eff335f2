//! The confirmation page of an action that cannot be undone: what it acts on, what will follow,
//! a reason where the record keeps one, and one button that does it, or a way back. It is a page
//! of its own with a plain form, so it asks the same question without JavaScript.
use leptos::prelude::*;

use crate::i18n::{t, Msg};

/// The frame of a confirmation page; the caller's form (with [`ReasonField`] and
/// [`ConfirmButtons`]) is its child.
#[component]
pub fn ConfirmCard(title: Msg, subject: String, follows: Vec<Msg>, children: Children) -> impl IntoView {
    view! {
        <section class="card confirm" data-test="confirm">
            <h1>{t(title)}</h1>
            <p class="confirm-subject" data-test="confirm-subject"><strong>{subject}</strong></p>
            <p>{t(Msg::WhatFollows)}</p>
            <ul class="follows" data-test="confirm-follows">
                {follows.into_iter().map(|m| view! { <li>{t(m)}</li> }).collect_view()}
            </ul>
            {children()}
        </section>
    }
}

/// The reason the record keeps: required, up to the length the service takes.
#[component]
pub fn ReasonField(label: Msg, max_chars: usize) -> impl IntoView {
    view! {
        <label><span>{t(label)}</span>
            <textarea name="reason" required maxlength=max_chars.to_string() rows="3" data-test="reason"></textarea>
            <small class="muted">{t(Msg::ReasonKept)}</small>
        </label>
    }
}

/// The button that does it (marked as dangerous) and the way back without doing it.
#[component]
pub fn ConfirmButtons(confirm: Msg, back: String) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class="danger" data-test="confirm-button">{t(confirm)}</button>
            <a href=back class="button-link" data-test="confirm-cancel">{t(Msg::Cancel)}</a>
        </div>
    }
}
