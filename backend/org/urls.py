from django.urls import path

from backend.org import apis

urlpatterns = [
    path("units/", apis.UnitListApi.as_view(), name="org-units"),
    path("units/tree/", apis.UnitTreeApi.as_view(), name="org-unit-tree"),
    path("units/merge/", apis.UnitMergeApi.as_view(), name="org-unit-merge"),
    path("units/<int:pk>/", apis.UnitDetailApi.as_view(), name="org-unit"),
    path("units/<int:pk>/history/", apis.UnitHistoryApi.as_view(), name="org-unit-history"),
    path("units/<int:pk>/officers/", apis.UnitPostingsApi.as_view(), name="org-unit-officers"),
    path("units/<int:pk>/abolish/", apis.UnitAbolishApi.as_view(), name="org-unit-abolish"),
    path("units/<int:pk>/end-preview/", apis.UnitEndPreviewApi.as_view(), name="org-unit-end-preview"),
    path("units/<int:pk>/heads/", apis.UnitHeadsApi.as_view(), name="org-unit-heads"),
    path("officers/", apis.OfficerListApi.as_view(), name="org-officers"),
    path("officers/<int:pk>/", apis.OfficerDetailApi.as_view(), name="org-officer"),
    path("assignments/", apis.AssignmentListApi.as_view(), name="org-assignments"),
    path("assignments/<int:pk>/", apis.AssignmentDetailApi.as_view(), name="org-assignment"),
    path("assignments/<int:pk>/end/", apis.AssignmentEndApi.as_view(), name="org-assignment-end"),
    path("fields/", apis.FieldOfChargeListApi.as_view(), name="org-fields"),
    path("fields/<int:pk>/", apis.FieldOfChargeDetailApi.as_view(), name="org-field"),
    path("counters/", apis.CounterListApi.as_view(), name="org-counters"),
    path("cameras/", apis.CameraListApi.as_view(), name="org-cameras"),
    path("cameras/<int:pk>/", apis.CameraDetailApi.as_view(), name="org-camera"),
]
