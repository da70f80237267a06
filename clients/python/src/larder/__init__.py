"""Larder's Python client.

    import larder
    client = larder.Client()  # LARDER_URL, LARDER_TOKEN, LARDER_PROJECT
    client.get_online_features(features=["customer_profile:segment"], entities={"customer_id": [1, 2]}).to_df()
    client.get_historical_features(labels_df, features=["customer_spend:amount_sum_7d"])

Standard library only for HTTP; pandas (DataFrames) and pyarrow (Parquet uploads and job
results) are imported when a call needs them. See clients/python/README.md.
"""

from .__about__ import __version__
from .client import HISTORICAL_INLINE_MAX_ROWS, Client
from .errors import (
    BadRequest,
    Conflict,
    ConnectionFailed,
    Forbidden,
    Gone,
    JobFailed,
    LarderError,
    MissingDependency,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    Unauthorized,
    Unavailable,
    UnsupportedMediaType,
    ValidationFailed,
)
from .models import Feature, FeatureView, FeatureViewList, Job, JobList, OnlineResponse, Preview, SearchHit, SearchResults

__all__ = [
    "__version__",
    "Client",
    "HISTORICAL_INLINE_MAX_ROWS",
    "LarderError",
    "ConnectionFailed",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "NotAcceptable",
    "Conflict",
    "Gone",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "ValidationFailed",
    "RateLimited",
    "ServerError",
    "Unavailable",
    "JobFailed",
    "MissingDependency",
    "Feature",
    "FeatureView",
    "FeatureViewList",
    "Job",
    "JobList",
    "OnlineResponse",
    "Preview",
    "SearchHit",
    "SearchResults",
]
