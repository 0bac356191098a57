/* pv-profiles.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"

G_BEGIN_DECLS

/**
 * PvProfile:
 * @id: a short name the admin chose, such as "contoso"
 * @base_url: the tenant server's address
 * @pinned_certificate: (nullable): the SHA-256 fingerprint of the tenant
 *   server's certificate, the one certificate trusted for it; %NULL: the
 *   system's certificate authorities
 * @allow_insecure_http: whether a plain `http://` @base_url to another
 *   computer is allowed
 *
 * A tenant Provisio watches.  No secret: the admin API key is in the
 * keyring, under @id.
 */
typedef struct {
  char     *id;
  char     *base_url;
  char     *pinned_certificate;
  gboolean  allow_insecure_http;
} PvProfile;

void       pv_profile_free             (PvProfile           *profile);
PvProfile *pv_profile_copy             (const PvProfile     *profile);
PvClient  *pv_profile_new_client       (const PvProfile     *profile,
                                        const char          *api_key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvProfile, pv_profile_free)

gboolean   pv_profile_id_is_valid      (const char          *id);
GFile     *pv_profiles_default_file    (void);
GPtrArray *pv_profiles_parse           (const char          *data,
                                        gsize                length,
                                        const char          *path,
                                        GError             **error);
void       pv_profiles_load_async      (GFile               *file,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray *pv_profiles_load_finish     (GAsyncResult        *result,
                                        GError             **error);
void       pv_profiles_save_async      (GFile               *file,
                                        GPtrArray           *profiles,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean   pv_profiles_save_finish     (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
