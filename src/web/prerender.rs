//! The pages of one content version, and those rendered before it is served: all of a small
//! site's (compressed too), the site-wide ones of a big site, and the error pages.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use rayon::prelude::*;

use super::cache::CachedResponse;
use super::pages;
use super::site_pages::{self, HTML, PageSource, render};
use crate::content::Site;

/// A page that failed to render: which, and the template's error.
#[derive(Debug)]
pub(super) struct RenderFailure {
    /// The page's path, or which error page.
    pub(super) page: String,
    /// The template error.
    pub(super) source: askama::Error,
}

/// One page of the current version: rendered at most once.
pub(super) struct Page {
    pub(super) source: PageSource,
    pub(super) rendered: OnceLock<Arc<CachedResponse>>,
}

/// The pages of a version and those rendered before it is served (all of a small site's, the
/// site-wide ones of a large one), with the error pages.
pub(super) struct Rendered {
    pub(super) pages: HashMap<String, Page>,
    pub(super) query_paths: HashSet<String>,
    pub(super) error_pages: HashMap<u16, Arc<CachedResponse>>,
    pub(super) prerendered: usize,
    pub(super) render_time: Duration,
}

impl Rendered {
    /// Lists `site`'s pages and renders those served from the start (every page when there are
    /// at most `precompress_max_pages`), on every core (rayon's pool); a page's failure stops the
    /// build.
    pub(super) fn up_front(
        site: &Site,
        precompress_max_pages: usize,
    ) -> Result<Rendered, RenderFailure> {
        let started = Instant::now();
        let pages: HashMap<String, Page> = site_pages::all(site)
            .map(|(path, source)| {
                let rendered = OnceLock::new();
                (path, Page { source, rendered })
            })
            .collect();
        let query_paths = pages
            .keys()
            .filter_map(|path| path.split_once('?'))
            .map(|(path, _)| path.to_string())
            .collect();
        let small = pages.len() <= precompress_max_pages;
        let upfront: Vec<(&String, &Page)> = pages
            .iter()
            .filter(|(_, page)| small || !matches!(page.source, PageSource::Article(_)))
            .collect();
        let prerendered = upfront.len();
        let phase = crate::progress::Phase::start("render", upfront.len());
        upfront.par_iter().try_for_each(|(path, page)| {
            let response = render(site, page.source, small).map_err(|source| RenderFailure {
                page: (*path).clone(),
                source,
            })?;
            let _ = page.rendered.set(Arc::new(response));
            phase.advance(1);
            Ok::<(), RenderFailure>(())
        })?;
        drop(phase);
        let error_pages = [400u16, 404, 405, 500]
            .into_iter()
            .map(|code| {
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let html =
                    pages::error::render(site, status, None).map_err(|source| RenderFailure {
                        page: format!("error page {code}"),
                        source,
                    })?;
                let response = CachedResponse::lazy(html.into_bytes(), HTML, "no-cache");
                if small {
                    response.precompress();
                }
                Ok((code, Arc::new(response)))
            })
            .collect::<Result<HashMap<_, _>, RenderFailure>>()?;
        Ok(Rendered {
            pages,
            query_paths,
            error_pages,
            prerendered,
            render_time: started.elapsed(),
        })
    }
}
