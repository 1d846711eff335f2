//! Server functions of the tenancy module: organisations (platform) and people (organisation admins)
//! here; websites, engagements and the platform's jurisdictions and outbox beside it.
pub mod engagements;
pub mod platform;
pub mod websites;

use leptos::prelude::*;
use uuid::Uuid;

use super::{InvitationRow, InvitationView, OneTimePassword, OrganisationRow, PersonRow, Role};
use crate::{error::AppError, i18n::Msg, ui::notice::Done};

#[cfg(feature = "ssr")]
use crate::{
    backend::{request::RequestMeta, AppState},
    ui::form::{answer, finish, serve, serve_done, serve_form, serve_form_then},
    ui::Flash,
};

#[cfg(feature = "ssr")]
fn otp_flash(otp: &OneTimePassword, locale: crate::i18n::Locale) -> Flash {
    Flash {
        ok: true,
        text: format!("{} {}", Msg::OneTimePasswordIntro.text(locale), otp.email),
        secret: Some(otp.password.clone()),
        field: None,
    }
}

#[server(endpoint = "organisations", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_organisations() -> Result<Vec<OrganisationRow>, AppError> {
    serve(|c| async move {
        let cap = crate::tenancy::scope::platform_admin(&c.actor)?;
        super::service::list_organisations(&c.state.db, &cap, &c.actor).await
    })
    .await
}

#[server(endpoint = "create_organisation")]
pub async fn create_organisation(
    name: String,
    kind: String,
    subtype: Option<String>,
    admin_email: String,
    admin_name: String,
) -> Result<OneTimePassword, AppError> {
    serve_form(otp_flash, |c| async move {
        let cap = crate::tenancy::scope::platform_admin(&c.actor)?;
        let input = super::service::NewOrganisation { name, kind, subtype, admin_email, admin_name };
        let (_, otp) = super::service::create_organisation(&c.state.db, &c.acting(), &cap, input).await?;
        Ok(otp)
    })
    .await
}

#[server(endpoint = "update_organisation")]
pub async fn update_organisation(
    id: Uuid,
    name: String,
    #[server(default)] active: Option<String>,
) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let cap = crate::tenancy::scope::platform_admin(&c.actor)?;
        let input = super::service::OrganisationUpdate {
            name,
            active: active.as_deref().is_some_and(|v| v == "on" || v == "true"),
        };
        super::service::update_organisation(&c.state.db, &c.acting(), &cap, id, input).await
    })
    .await
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PeoplePage {
    pub people: Vec<PersonRow>,
    pub grantable: Vec<Role>,
    pub me: Uuid,
    /// Every person of the organisation must use a second factor.
    pub second_factor_required: bool,
    /// The administrator may download the agency's whole archive (an agency's only).
    pub can_export: bool,
}

#[server(endpoint = "people", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_people() -> Result<PeoplePage, AppError> {
    serve(|c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        let people = super::service::list_people(&c.state.db, &cap, &c.actor, c.now).await?;
        let second_factor_required = super::service::second_factor_required(&c.state.db, &cap).await?;
        Ok(PeoplePage {
            people,
            grantable: Role::grantable_in(c.actor.org_kind),
            me: c.actor.person_id,
            second_factor_required,
            can_export: crate::backend::policy::access(&c.actor, crate::backend::policy::Module::Portability)
                >= crate::backend::policy::Access::Write,
        })
    })
    .await
}

/// Role checkboxes arrive one field each (`role_org_admin=on`), which every encoding handles.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RoleChoice {
    #[serde(default)]
    pub role_org_admin: Option<String>,
    #[serde(default)]
    pub role_security_officer: Option<String>,
    #[serde(default)]
    pub role_duty_officer: Option<String>,
    #[serde(default)]
    pub role_staff: Option<String>,
    #[serde(default)]
    pub role_viewer: Option<String>,
    #[serde(default)]
    pub role_platform_admin: Option<String>,
}

impl RoleChoice {
    pub fn codes(&self) -> Vec<String> {
        [
            (&self.role_org_admin, Role::OrgAdmin),
            (&self.role_security_officer, Role::SecurityOfficer),
            (&self.role_duty_officer, Role::DutyOfficer),
            (&self.role_staff, Role::Staff),
            (&self.role_viewer, Role::Viewer),
            (&self.role_platform_admin, Role::PlatformAdmin),
        ]
        .into_iter()
        .filter(|(v, _)| v.as_deref().is_some_and(|v| !v.is_empty() && v != "false"))
        .map(|(_, r)| r.code().to_string())
        .collect()
    }
}

#[server(endpoint = "create_person")]
pub async fn create_person(
    email: String,
    display_name: String,
    #[server(flatten)]
    #[server(default)]
    roles: RoleChoice,
) -> Result<OneTimePassword, AppError> {
    serve_form(otp_flash, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        let input = super::service::NewPerson { email, display_name, roles: roles.codes() };
        super::service::create_person(&c.state.db, &c.acting(), &cap, input).await
    })
    .await
}

#[server(endpoint = "update_person")]
pub async fn update_person(
    id: Uuid,
    display_name: String,
    #[server(flatten)]
    #[server(default)]
    roles: RoleChoice,
) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        let input = super::service::PersonUpdate { display_name, roles: roles.codes() };
        super::service::update_person(&c.state.db, &c.acting(), &cap, id, input).await
    })
    .await
}

/// What (de)activating says: deactivation is confirmed on its own page, then back to the people.
pub fn activity_set(active: &bool) -> Done {
    if *active {
        Done::here(Msg::PersonReactivated)
    } else {
        Done::then(Msg::PersonDeactivated, "/people")
    }
}

/// Deactivates (after confirmation) or reactivates a person; answers the new state.
#[server(endpoint = "set_person_active")]
pub async fn set_person_active(id: Uuid, active: bool) -> Result<bool, AppError> {
    serve_done(activity_set, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        super::service::set_person_active(&c.state.db, &c.acting(), &cap, id, active).await?;
        Ok(active)
    })
    .await
}

/// What unlocking says.
pub fn unlocked(_: &()) -> Done {
    Done::here(Msg::PersonUnlocked)
}

#[server(endpoint = "unlock_person")]
pub async fn unlock_person(id: Uuid) -> Result<(), AppError> {
    serve_done(unlocked, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        super::service::unlock_person(&c.state.db, &c.acting(), &cap, id).await
    })
    .await
}

/// What ending a person's sessions says.
pub fn sessions_ended(_: &u64) -> Done {
    Done::here(Msg::PersonSessionsEndedDone)
}

/// Ends every session of a person of the organisation (its administrator's).
#[server(endpoint = "end_person_sessions")]
pub async fn end_person_sessions(id: Uuid) -> Result<u64, AppError> {
    serve_done(sessions_ended, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        super::service::end_person_sessions(&c.state.db, &c.acting(), &cap, id).await
    })
    .await
}

/// What resetting a second factor says.
pub fn second_factor_reset(_: &()) -> Done {
    Done::here(Msg::SecondFactorResetDone)
}

/// Removes a person's second factor (its administrator's; the person is mailed).
#[server(endpoint = "reset_person_second_factor")]
pub async fn reset_person_second_factor(id: Uuid) -> Result<(), AppError> {
    serve_done(second_factor_reset, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        let zone = c.state.settings.default_time_zone.clone();
        super::service::reset_person_second_factor(&c.state.db, &c.acting(), &cap, id, &zone).await
    })
    .await
}

/// Whether every person of the organisation must use a second factor.
#[server(endpoint = "set_second_factor_required")]
pub async fn set_second_factor_required(#[server(default)] on: bool) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        super::service::set_second_factor_required(&c.state.db, &c.acting(), &cap, on).await
    })
    .await
}

#[server(endpoint = "reset_person_password")]
pub async fn reset_person_password(id: Uuid) -> Result<OneTimePassword, AppError> {
    // Without JavaScript the one-time password shows once, on the people page the confirmation
    // hands back to; with it, on the confirmation page itself.
    serve_form_then(
        |otp: &OneTimePassword, l| {
            let text = format!("{} {}", Msg::PasswordResetDone.text(l), otp.email);
            (Flash { ok: true, text, secret: Some(otp.password.clone()), field: None }, Some("/people".into()))
        },
        |c| async move {
            let cap = crate::tenancy::scope::people_admin(&c.actor)?;
            super::service::reset_password(&c.state.db, &c.acting(), &cap, id).await
        },
    )
    .await
}

/// What inviting a person says.
pub fn invitation_sent(_: &()) -> Done {
    Done::here(Msg::InviteSent)
}

#[server(endpoint = "invite_person")]
pub async fn invite_person(
    email: String,
    display_name: String,
    #[server(flatten)]
    #[server(default)]
    roles: RoleChoice,
) -> Result<(), AppError> {
    serve_done(invitation_sent, |c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        let input = super::service::invitations::NewInvitation { email, display_name, roles: roles.codes() };
        super::service::invitations::invite_person(
            &c.state.db,
            &c.acting(),
            &cap,
            &c.state.settings.public_base_url,
            input,
        )
        .await
    })
    .await
}

#[server(endpoint = "invitations", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_invitations() -> Result<Vec<InvitationRow>, AppError> {
    serve(|c| async move {
        let cap = crate::tenancy::scope::people_admin(&c.actor)?;
        super::service::invitations::open_invitations(&c.state.db, &cap, &c.actor, c.now).await
    })
    .await
}

/// Public: what an invitation link is for (the token is the only credential).
#[server(endpoint = "invitation", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    let state = expect_context::<AppState>();
    answer(super::service::invitations::invitation_by_token(&state.db, state.clock.now(), &token).await)
}

/// Public: sets the invited person's password and creates the account, then sends them to sign in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, password: String, confirm: String) -> Result<(), AppError> {
    let state = expect_context::<AppState>();
    let result = super::service::invitations::accept_invitation(
        &state.db,
        state.clock.now(),
        &RequestMeta::current(),
        &token,
        &password,
        &confirm,
    )
    .await;
    let email = finish(result, |_, l| Flash {
        ok: true,
        text: Msg::InvitationAccepted.text(l).into(),
        secret: None,
        field: None,
    })
    .await?;
    // Both the hydrated form and a plain post land on sign-in with the address filled in.
    leptos_axum::redirect(&format!("/login?info=InvitationAccepted&email={}", crate::auth::http::urlencode(&email)));
    Ok(())
}
