"""The opinion map (意见地图): statements, votes and the opinion groups found in them."""
