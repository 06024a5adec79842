from django.urls import path

from backend.org import apis

urlpatterns = [
    path("units/", apis.UnitListApi.as_view(), name="org-units"),
    path("units/<int:pk>/", apis.UnitDetailApi.as_view(), name="org-unit"),
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
