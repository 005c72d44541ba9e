"""The ids and the log head of the demo that generated requests may aim at, read through the
API itself."""


class KnownIds:
    def __init__(self, served):
        listed = served.get("/tribes?limit=500")["items"]
        # The actor founded a tribe, so that admin commands may succeed too.
        self.actor = next(t["founder"] for t in listed if t.get("founder"))
        token = served.token(self.actor)
        self.tribes = [t["id"] for t in listed]
        self.partups, members = [], {self.actor}
        for tribe in listed:
            if tribe["visibility"] != "full":
                continue
            self.partups += [p["id"] for p in served.get(f"/tribes/{tribe['id']}/partups?limit=500", token)["items"]]
            members.update(m["member"] for m in served.get(f"/tribes/{tribe['id']}/members?limit=500", token)["items"])
        self.members = sorted(members) + ["me"]
        self.token = token
        self.head = served.get("/health")["head"]

    def for_path(self, path, name):
        """The ids that fit path parameter `name` of `path` (`/tribes/{id}/…`, `{member}`)."""
        if name == "member" or path.startswith("/members/"):
            return self.members
        if path.startswith("/tribes/"):
            return self.tribes
        if path.startswith("/partups/"):
            return self.partups
        return []
