//! Portal-wide settings kept in the database: today, whether it holds demo data (the frame shows a
//! banner; the demo loader refuses a database holding anything else).
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{entity::setting, ServiceResult};

const DEMO_KEY: &str = "demo_data";

/// Whether the database holds demo data.
pub async fn is_demo<C: ConnectionTrait>(db: &C) -> ServiceResult<bool> {
    Ok(setting::Entity::find_by_id(DEMO_KEY.to_string()).one(db).await?.is_some_and(|s| s.value == "true"))
}

/// Marks the database as holding demo data (inside the loader's transaction).
pub async fn mark_demo<C: ConnectionTrait>(db: &C) -> ServiceResult<()> {
    setting::ActiveModel { key: Set(DEMO_KEY.into()), value: Set("true".into()) }.insert(db).await?;
    Ok(())
}
