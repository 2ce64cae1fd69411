//! Types that parse, not validate: once a value of one of these types exists
//! it is known to be well formed.
mod alg;
mod email;
mod full_name;
mod paging;
mod password;
mod scope;
mod username;

pub use alg::Alg;
pub use email::Email;
pub use full_name::FullName;
pub use paging::{Paging, DEFAULT_PER_PAGE, MAX_PER_PAGE};
pub use password::Password;
pub use scope::{Scope, ScopeSet, IDENTITY_SCOPES};
pub use username::Username;
mod client_id;
mod redirect_uri;
pub use client_id::ClientId;
pub use redirect_uri::RedirectUri;
