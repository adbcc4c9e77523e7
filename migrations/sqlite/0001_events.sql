-- Visitor events: completed searches, opened results, "was this helpful?" answers and views of that
-- form. Times are Unix seconds (UTC). Every text that came from a visitor was masked before it got
-- here (src/redact.rs). No IP address, cookie or visitor identifier is ever stored.
CREATE TABLE searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    query TEXT NOT NULL,
    results BIGINT NOT NULL,
    answer TEXT,
    verdict TEXT,
    number TEXT,
    content_version TEXT NOT NULL
);
CREATE INDEX searches_at ON searches (at);

CREATE TABLE clicks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    query TEXT NOT NULL,
    url TEXT NOT NULL,
    result_position BIGINT,
    content_version TEXT NOT NULL
);
CREATE INDEX clicks_at ON clicks (at);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    page TEXT NOT NULL,
    helpful BOOLEAN NOT NULL,
    reason TEXT,
    comment TEXT,
    query TEXT,
    content_version TEXT NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);
CREATE INDEX feedback_page ON feedback (page, at);

CREATE TABLE form_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    page TEXT NOT NULL,
    content_version TEXT NOT NULL
);
CREATE INDEX form_views_at ON form_views (at);
