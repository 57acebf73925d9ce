#ifndef GAZETTE_ADMIN_H
#define GAZETTE_ADMIN_H
/*
 * The admin: signing in, the screens and their JSON API.  serve hands
 * these routes to site_new() (site_services.routes); their handlers take
 * the site as ctx.
 */
#include <stddef.h>

#include "../http/route.h"

extern const struct route admin_routes[];
extern const size_t admin_route_count;

#endif
