"""Contains all the data models used in inputs/outputs"""

from .absence import Absence
from .document_sort_field import DocumentSortField
from .employee import Employee
from .employee_contribution_amount import EmployeeContributionAmount
from .employee_document import EmployeeDocument
from .employee_document_links import EmployeeDocumentLinks
from .employee_document_list_response import EmployeeDocumentListResponse
from .employee_document_page import EmployeeDocumentPage
from .employee_document_response import EmployeeDocumentResponse
from .employee_links import EmployeeLinks
from .employee_list_response import EmployeeListResponse
from .employee_page import EmployeePage
from .employee_response import EmployeeResponse
from .employee_subscription_changed_event import EmployeeSubscriptionChangedEvent
from .employee_subscription_changed_payload import EmployeeSubscriptionChangedPayload
from .error import Error
from .error_errors import ErrorErrors
from .health_status import HealthStatus
from .hr_integration import HrIntegration
from .hr_integration_link import HrIntegrationLink
from .hr_integration_links import HrIntegrationLinks
from .hr_integration_list_response import HrIntegrationListResponse
from .hr_integration_page import HrIntegrationPage
from .hr_integration_response import HrIntegrationResponse
from .hr_sync_employee import HrSyncEmployee
from .hr_sync_request import HrSyncRequest
from .link import Link
from .list_employees_sort_field import ListEmployeesSortField
from .list_hr_integrations_sort_field import ListHrIntegrationsSortField
from .new_employee_document_generated_event import NewEmployeeDocumentGeneratedEvent
from .new_employee_document_generated_payload import NewEmployeeDocumentGeneratedPayload
from .page_info import PageInfo
from .plan import Plan
from .sort_order import SortOrder
from .subscription import Subscription
from .ticket import Ticket
from .ticket_links import TicketLinks
from .webhook_event_meta import WebhookEventMeta

__all__ = (
    "Absence",
    "DocumentSortField",
    "Employee",
    "EmployeeContributionAmount",
    "EmployeeDocument",
    "EmployeeDocumentLinks",
    "EmployeeDocumentListResponse",
    "EmployeeDocumentPage",
    "EmployeeDocumentResponse",
    "EmployeeLinks",
    "EmployeeListResponse",
    "EmployeePage",
    "EmployeeResponse",
    "EmployeeSubscriptionChangedEvent",
    "EmployeeSubscriptionChangedPayload",
    "Error",
    "ErrorErrors",
    "HealthStatus",
    "HrIntegration",
    "HrIntegrationLink",
    "HrIntegrationLinks",
    "HrIntegrationListResponse",
    "HrIntegrationPage",
    "HrIntegrationResponse",
    "HrSyncEmployee",
    "HrSyncRequest",
    "Link",
    "ListEmployeesSortField",
    "ListHrIntegrationsSortField",
    "NewEmployeeDocumentGeneratedEvent",
    "NewEmployeeDocumentGeneratedPayload",
    "PageInfo",
    "Plan",
    "SortOrder",
    "Subscription",
    "Ticket",
    "TicketLinks",
    "WebhookEventMeta",
)
