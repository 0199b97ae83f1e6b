// The service side of systemd's notification protocol (sd_notify(3)), without libsystemd:
// one datagram to the unix socket named by $NOTIFY_SOCKET. `iamd serve` sends READY=1 once
// it listens and STOPPING=1 when a stop signal arrives (dist/iamd.service, Type=notify).
// Thread-safety: may be called from any thread.
#pragma once

#include <string_view>

namespace iamd::app {

// Sends `state` ("READY=1", lines of NAME=VALUE) to $NOTIFY_SOCKET: a path, or an abstract
// socket written with a leading '@'. Returns false when the variable is unset or names
// something else (systemd's vsock addresses are not supported), or the send failed; the
// caller goes on either way, as a service must when systemd is not there.
bool notify_systemd(std::string_view state);

}  // namespace iamd::app
