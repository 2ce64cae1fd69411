pub use super::audit_event::Entity as AuditEvent;
pub use super::client::Entity as Client;
pub use super::key::Entity as Key;
pub use super::refresh_token::Entity as RefreshToken;
pub use super::session::Entity as Session;
pub use super::signin_attempt::Entity as SigninAttempt;
pub use super::signing_key::Entity as SigningKey;
pub use super::user::Entity as User;
