"""Serving side of newsframe: the shared predictor, the HTTP service and batch scoring."""
