"""clinicdesk: community clinics, from fair call times to the published digest."""

import zoneinfo

# Zone rules come from the tzdata package pinned in uv.lock, not from whatever the operating
# system has, so that every machine computes the same instants for the same wall times.
zoneinfo.reset_tzpath(to=())
