//! Who may see the dashboard and how its answers are marked: the session check, the same-origin
//! check on its forms, and the headers every admin answer carries (`no-store`, `noindex`).

use std::net::{IpAddr, Ipv4Addr};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use super::session;
use super::state::Admin;
use crate::web::form_guard;

/// The login page's address.
pub(crate) const LOGIN: &str = "/admin/login";

/// Whether `request` carries a valid session cookie.
pub(crate) fn signed_in(request: &HttpRequest, admin: &Admin) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .filter_map(session::from_header)
        .any(|value| session::is_valid(admin.session_key(), value, crate::store::now()))
}

/// Whether a form post comes from a page of this site: the same rule as the feedback form's
/// (`form_guard::same_origin`: `Sec-Fetch-Site`, then `Origin` or `Referer` naming the host the
/// request was sent to; a post with neither is refused).
pub(crate) fn same_origin(request: &HttpRequest) -> bool {
    form_guard::same_origin(request).is_ok()
}

/// Whether the request came over HTTPS (the connection, or the proxy in front, says so): the
/// session cookie is then `Secure`.
pub(crate) fn is_https(request: &HttpRequest) -> bool {
    request.connection_info().scheme() == "https"
}

/// The client's address for the login rate limit: the peer (behind a reverse proxy, the proxy,
/// so every client shares one limit there; forwarded headers are not trusted, since a client
/// could set them to escape its limit).
pub(crate) fn client(request: &HttpRequest) -> IpAddr {
    request
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.ip())
}

/// An answer builder with the headers every admin answer carries: never stored by a browser or
/// proxy, never indexed.
pub(crate) fn private(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((
            header::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        ));
    builder
}

/// `303 See Other` to `location`, private.
pub(crate) fn see_other(location: &'static str) -> HttpResponseBuilder {
    let mut builder = private(StatusCode::SEE_OTHER);
    builder.insert_header((header::LOCATION, location));
    builder
}
