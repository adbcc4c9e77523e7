//! A tiny HTTP/1.1 client for the real binary on a socket: one request per connection,
//! `Connection: close`, read to the end, every operation bounded by [`IO_TIMEOUT`]; raw bytes for
//! malformed requests, and a slow reader that keeps a response in flight.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

/// Longest any single network operation may take before the test fails instead of hanging.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// A complete response.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(stream)
}

fn request_bytes(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").into_bytes()
}

/// GETs `path`; an error unless a whole response (status line, head, `Content-Length` bytes) came.
pub(crate) fn get(addr: SocketAddr, path: &str) -> io::Result<Response> {
    let mut stream = connect(addr)?;
    stream.write_all(&request_bytes(path))?;
    read_response(&mut stream)
}

/// POSTs `body` to `path` as a form (`application/x-www-form-urlencoded`) from this server's own
/// origin, with `headers` added (`Accept: application/json`, another `Origin`).
pub(crate) fn post_form(
    addr: SocketAddr,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> io::Result<Response> {
    let mut stream = connect(addr)?;
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("origin"))
    {
        head.push_str(&format!("Origin: http://{addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    read_response(&mut stream)
}

/// Reads to the end of the stream and checks the response is complete.
pub(crate) fn read_response(stream: &mut TcpStream) -> io::Result<Response> {
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    parse_response(&bytes).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("incomplete response ({} bytes)", bytes.len()),
        )
    })
}

/// How a request during shutdown ended.
pub(crate) enum Outcome {
    /// A whole response.
    Complete(Response),
    /// Not a single byte came back (refused, or closed before the request was read).
    NotAnswered(io::Error),
    /// Some bytes, then the connection ended: a request dropped in flight.
    Cut(usize),
}

/// GETs `path`, telling "never answered" from "cut off mid-response".
pub(crate) fn fetch(addr: SocketAddr, path: &str) -> Outcome {
    let mut stream = match connect(addr) {
        Ok(stream) => stream,
        Err(error) => return Outcome::NotAnswered(error),
    };
    if let Err(error) = stream.write_all(&request_bytes(path)) {
        return Outcome::NotAnswered(error);
    }
    let mut bytes = Vec::new();
    let result = stream.read_to_end(&mut bytes);
    match (parse_response(&bytes), result) {
        (Some(response), Ok(_)) => Outcome::Complete(response),
        (_, Err(error)) if bytes.is_empty() => Outcome::NotAnswered(error),
        (None, Ok(_)) if bytes.is_empty() => {
            Outcome::NotAnswered(io::ErrorKind::UnexpectedEof.into())
        }
        _ => Outcome::Cut(bytes.len()),
    }
}

fn parse_response(bytes: &[u8]) -> Option<Response> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let body = bytes[end + 4..].to_vec();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    if length.is_some_and(|length| length != body.len()) {
        return None;
    }
    Some(Response { status, head, body })
}

/// Sends raw bytes and returns whatever status came back before the connection ended. The server
/// may close (even reset) the connection right after answering an oversized head, so write errors
/// are ignored and a reset after the status line still counts as an answer.
pub(crate) fn exchange(addr: SocketAddr, request: &[u8]) -> (Option<u16>, String) {
    let Ok(mut stream) = connect(addr) else {
        return (None, String::new());
    };
    let _ = stream.write_all(request);
    let _ = stream.shutdown(Shutdown::Write);
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| text.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    (status, text)
}

/// A connection whose client reads slowly: a small receive buffer and segment size keep most of a
/// large response waiting in the server, so the request stays in flight
/// (for instance while the server is told to shut down).
pub(crate) fn slow_reader(addr: SocketAddr, path: &str) -> TcpStream {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("socket");
    socket.set_recv_buffer_size(2048).expect("SO_RCVBUF");
    socket.set_tcp_mss(536).expect("TCP_MAXSEG");
    socket
        .connect_timeout(&addr.into(), IO_TIMEOUT)
        .expect("connect");
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(IO_TIMEOUT)).expect("timeout");
    stream
        .write_all(&request_bytes(path))
        .expect("send request");
    stream
}
