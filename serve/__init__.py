"""Serving side of newsframe: the predictor, the HTTP service (`web`) and batch scoring (`batch`)."""
