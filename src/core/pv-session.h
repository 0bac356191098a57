/* pv-session.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

SoupSession *pv_session_dup_shared (void);
SoupSession *pv_session_new        (const char *user_agent,
                                    guint       timeout);

G_END_DECLS
