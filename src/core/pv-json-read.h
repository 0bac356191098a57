/* pv-json-read.h: reading the members of a peer's JSON, type by type
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

JsonObject *pv_json_object_member (JsonObject  *object,
                                   const char  *member);
const char *pv_json_string_member (JsonObject  *object,
                                   const char  *member);
JsonArray  *pv_json_array_member  (JsonObject  *object,
                                   const char  *member);

/* Each reads @member of @object into @out; a missing member or a wrong type
 * is a PV_ERROR_INVALID_RESPONSE naming the member, never a crash.  With
 * @nullable, JSON null (and, for the _in variants, a NULL @object) gives
 * NULL, 0, -1 or PV_EXPIRY_OK. */
gboolean pv_json_invalid        (GError        **error,
                                 const char     *member);
gboolean pv_json_read_string    (JsonObject     *object,
                                 const char     *member,
                                 gboolean        nullable,
                                 const char    **out,
                                 GError        **error);
gboolean pv_json_read_int64     (JsonObject     *object,
                                 const char     *member,
                                 gboolean        nullable,
                                 gint64         *out,
                                 GError        **error);
gboolean pv_json_read_int       (JsonObject     *object,
                                 const char     *member,
                                 gboolean        nullable,
                                 gint           *out,
                                 GError        **error);
gboolean pv_json_read_boolean   (JsonObject     *object,
                                 const char     *member,
                                 gboolean        nullable,
                                 gboolean       *out,
                                 GError        **error);
gboolean pv_json_read_time      (JsonObject     *object,
                                 const char     *member,
                                 gboolean        nullable,
                                 gint64         *out,
                                 GError        **error);
gboolean pv_json_read_state     (JsonObject     *object,
                                 const char     *member,
                                 gboolean        nullable,
                                 PvExpiryState  *out,
                                 GError        **error);

#define pv_json_read_string_in(o, m, n, out, e) ((o) ? pv_json_read_string ((o), (m), (n), (out), (e)) : ((n) || pv_json_invalid ((e), (m))))
#define pv_json_read_time_in(o, m, n, out, e) ((o) ? pv_json_read_time ((o), (m), (n), (out), (e)) : ((n) || pv_json_invalid ((e), (m))))
#define pv_json_read_state_in(o, m, n, out, e) ((o) ? pv_json_read_state ((o), (m), (n), (out), (e)) : ((n) || pv_json_invalid ((e), (m))))

G_END_DECLS
