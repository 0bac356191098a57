/* pv-session.c: the HTTP session Provisio's requests share, and its debug log
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-session"

#include "config.h"

#include <string.h>

#include "pv-session.h"

/* Every request to a tenant that trusts the system's certificates and to
 * Microsoft goes through one session, so that connections and the TLS
 * database are shared.  A session of its own is for what must not share
 * them: a tenant with a pinned certificate (its own TLS database), the
 * Test Connection window (a shorter timeout, maybe a pin not yet saved),
 * and the demo's request as Entra (Entra's user agent). */

#define TIMEOUT_SECONDS 30

/* Headers whose value is a secret: their lines are logged without it. */
static const char * const secret_headers[] = {
  "Authorization",
  "Proxy-Authorization",
  "Cookie",
  "Set-Cookie",
};

/* SoupLogger hands over one line at a time: a request or status line, or
 * one header.  Bodies are never logged (the logger stops at headers): they
 * carry tokens, API keys and Microsoft's refresh tokens. */
static void
log_line (SoupLogger         *logger,
          SoupLoggerLogLevel  level,
          char                direction,
          const char         *data,
          gpointer            user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (secret_headers); i++)
    {
      gsize len = strlen (secret_headers[i]);

      if (g_ascii_strncasecmp (data, secret_headers[i], len) == 0 && data[len] == ':')
        {
          g_debug ("%c %s: [redacted]", direction, secret_headers[i]);
          return;
        }
    }
  g_debug ("%c %s", direction, data);
}

/* At most headers, whatever a message asks for. */
static SoupLoggerLogLevel
log_level (SoupLogger  *logger,
           SoupMessage *msg,
           gpointer     user_data)
{
  return SOUP_LOGGER_LOG_HEADERS;
}

/* A logger only when debug messages of this domain are shown
 * (G_MESSAGES_DEBUG=all or pv-session): otherwise nothing is formatted. */
static void
add_logger (SoupSession *session)
{
  g_autoptr(SoupLogger) logger = NULL;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;
  logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);
  soup_logger_set_request_filter (logger, log_level, NULL, NULL);
  soup_logger_set_response_filter (logger, log_level, NULL, NULL);
  soup_logger_set_printer (logger, log_line, NULL, NULL);
  soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));
}

/**
 * pv_session_new:
 * @user_agent: what the session's requests say they come from
 * @timeout: how long a request may wait for the peer, in seconds
 *
 * A session of its own, for requests that must not share the common one
 * (see above); with the debug log when it is on.
 *
 * Returns: (transfer full): a new session
 */
SoupSession *
pv_session_new (const char *user_agent,
                guint       timeout)
{
  SoupSession *session = soup_session_new_with_options ("user-agent", user_agent,
                                                        "timeout", timeout,
                                                        "max-conns", 64,
                                                        "max-conns-per-host", 16,
                                                        NULL);

  add_logger (session);
  return session;
}

/**
 * pv_session_dup_shared:
 *
 * The session every request shares unless it needs its own TLS database,
 * timeout or user agent.  Used from the main thread only.
 *
 * Returns: (transfer full): the shared session
 */
SoupSession *
pv_session_dup_shared (void)
{
  static SoupSession *session;

  if (session == NULL)
    session = pv_session_new ("provisio/" PACKAGE_VERSION, TIMEOUT_SECONDS);
  return g_object_ref (session);
}
